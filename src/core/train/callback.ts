import type { AdamW } from './optimizer';

/** The events of the training loop, in fastai's order (learner.py `_events`). */
export const EVENTS = ['beforeFit', 'beforeEpoch', 'beforeBatch', 'afterLoss', 'afterBatch', 'beforeValidate', 'afterValidate', 'afterEpoch', 'afterFit'] as const;

/** One loop event. */
export type LearnerEvent = (typeof EVENTS)[number];

/** What the loop is doing: training, validating, or running the LR finder. */
export type Phase = 'train' | 'valid' | 'lrFind';

/** Plain-number state of the loop, updated as it runs (fastai's `learn.epoch`, `learn.iter`, ...). */
export interface LoopState {
  phase: Phase;
  /** Epoch within the current fit, from 0. */
  epoch: number;
  epochs: number;
  /** Batch within the current epoch, from 0. */
  iter: number;
  batchesPerEpoch: number;
  /** Training batches completed in this fit. */
  trainIter: number;
  /** trainIter / (epochs * batchesPerEpoch): the schedules' `pos`. */
  pctTrain: number;
  /** Loss of the last training batch. */
  loss: number;
  /** Debiased exponential moving average of the batch losses (beta 0.98). */
  smoothLoss: number;
  /** Milliseconds the last training step waited for its batch (decode, resize, augment). */
  dataWaitMs: number;
  /** Milliseconds of the last training step itself (forward, backward, update, loss read back). */
  stepMs: number;
  /** Set after validation. */
  validLoss: number;
  metrics: Record<string, number>;
}

/** What a callback may look at and change: the loop state and the optimizer's hyper-parameters. */
export interface LearnerView {
  readonly state: LoopState;
  readonly opt: AdamW;
}

/** A hook on loop events; callbacks run sorted by `order` (lower first), as in fastai. */
export interface Callback extends Partial<Record<LearnerEvent, (learn: LearnerView) => void | Promise<void>>> {
  readonly name: string;
  readonly order?: number;
}

/** Thrown by a callback (or on abort) to end the fit early but cleanly, fastai's `CancelFitException`. */
export class CancelFitError extends Error {
  constructor(readonly reason: string) {
    super(`Fit cancelled: ${reason}`);
    this.name = 'CancelFitError';
  }
}

/** A loss became NaN or infinite; the weights were put back to the last completed epoch. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
    message = `The loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}; training stopped and the weights of the last ` + 'completed epoch were restored. Try a lower learning rate.',
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * The smoothed loss grew far past where the fit started (a learning rate far too high): the
 * weights were put back as for a NaN, which is where such a run ends a few batches later anyway.
 */
export class DivergedLossError extends NonFiniteLossError {
  constructor(
    epoch: number,
    batch: number,
    loss: number,
    readonly startLoss: number,
    restoredEpoch: number | null,
  ) {
    super(
      epoch,
      batch,
      loss,
      `Training diverged: the smoothed loss grew from ${fmt(startLoss)} to ${fmt(loss)} by epoch ${epoch + 1}, batch ${batch + 1}, so the fit ` +
        `stopped and the weights ${restoredEpoch === null ? 'from before this fit' : `of epoch ${restoredEpoch + 1}`} were restored, with the optimizer's state. ` +
        'The learning rate is too high: try one about 10x lower, or run the LR finder and pick a rate left of its lowest point.',
    );
    this.name = 'DivergedLossError';
  }
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(1) : x.toPrecision(3);
}

/** Callbacks sorted by `order`, keeping insertion order on ties. */
export function sortCallbacks(cbs: readonly Callback[]): Callback[] {
  return cbs
    .map((cb, i) => ({ cb, i }))
    .sort((a, b) => (a.cb.order ?? 0) - (b.cb.order ?? 0) || a.i - b.i)
    .map((x) => x.cb);
}

/** Runs one event on every callback, in order. */
export async function emit(cbs: readonly Callback[], event: LearnerEvent, learn: LearnerView): Promise<void> {
  for (const cb of cbs) await cb[event]?.(learn);
}
