import type { Metric } from '../metrics/metric';
import type { Callback, Phase } from './callback';
import type { Loss } from './losses';
import type { AdamHypers } from './optimizer';
import type { LrSuggestions } from './lrFinder';

/** Plain-number progress, posted after every training batch (the caller throttles it). */
export interface Progress {
  readonly phase: Phase;
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly loss: number;
  readonly smoothLoss: number;
  readonly lr: number;
  /** The last training step's wait for its batch and its own time, in milliseconds. */
  readonly dataWaitMs: number;
  readonly stepMs: number;
}

/** Options of every fit. */
export interface FitOptions {
  readonly signal?: AbortSignal;
  /** Weight decay for this fit; the learner's `wd` otherwise. */
  readonly wd?: number;
  readonly callbacks?: readonly Callback[];
  readonly onProgress?: (p: Progress) => void;
}

/** How a fit ended. A NaN loss rejects with `NonFiniteLossError` instead. */
export interface FitResult {
  /** True when stopped by the signal or a callback's `CancelFitError`; weights and history are kept. */
  readonly cancelled: boolean;
}

/** Options of `lrFind`, defaults as fastai's `lr_find`. */
export interface LrFindOptions {
  readonly start?: number;
  readonly end?: number;
  readonly numIt?: number;
  readonly stopDiv?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** The LR finder's curve and suggestions; `suggestions` is null when too few points were recorded. */
export interface LrFindResult {
  readonly lrs: number[];
  readonly losses: number[];
  readonly suggestions: LrSuggestions | null;
  readonly cancelled: boolean;
}

/** Options of a `Learner`; defaults follow fastai's `Learner`. */
export interface LearnerOptions {
  readonly loss?: Loss;
  readonly metrics?: readonly Metric[];
  /** Default learning rate of `fit` (fastai: 1e-3). */
  readonly lr?: number;
  /** Decoupled weight decay (fastai: 0.01). */
  readonly wd?: number;
  readonly callbacks?: readonly Callback[];
  /** Keep batch-norm layers training in frozen groups (fastai: true). */
  readonly trainBn?: boolean;
  readonly opt?: Partial<AdamHypers>;
  /**
   * Make batch b+1 while step b runs (`batchStream`). Unset: on WebGL and WebGPU only, where the
   * step runs asynchronously; the batches and the results are the same either way.
   */
  readonly prefetch?: boolean;
}
