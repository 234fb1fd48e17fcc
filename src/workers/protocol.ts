import type { BatchTiles, BlockView } from '../core/data/blockView';
import type { DataBlockSpec, Task } from '../core/data/types';
import type { ArchSpec } from '../core/model/archSpec';
import type { StudioManifest } from '../core/project/manifest';
import type { BackendName } from '../core/tf/backend';
import type { ProbeResult } from '../core/tf/probe';
import type { LrSpec, OneCycleOptions } from '../core/train/schedules';
import type { UlmfitRates } from '../core/text/ulmfit';
import type { SizeSpec } from '../core/data/sizeSpec';
import type { ResultsInfo } from '../core/interpret/resultsInfo';
import type { PredictInfo } from '../core/train/predictPicture';
import type { TextDataSpec } from '../core/text/textData';
import type { TextDataInfo, TextResultsInfo } from '../core/text/textView';
import type { LrProbe } from '../core/train/autoLr';

// Domain types the messages carry, defined in core and re-exported for the page's code.
export type { ArchSpec } from '../core/model/archSpec';
export type { BatchTiles, BlockView } from '../core/data/blockView';
export type { ResultsInfo } from '../core/interpret/resultsInfo';
export type { PredictInfo } from '../core/train/predictPicture';
export type { TextDataSpec } from '../core/text/textData';
export type { TextDataInfo, TextMultiResults, TextResultItem, TextResultsInfo, TextSingleResults } from '../core/text/textView';

/** Which text model to build: the language model, a classifier from scratch, or one on the language model's encoder (ULMFiT). */
export type TextLearnerKind = 'lm' | 'classifier' | 'classifierFromLm';

/** A typed text's prediction: the classifier's probabilities, or the language model's continuation. */
export type TextPredictInfo =
  | { readonly kind: 'classes'; readonly tokens: readonly string[]; readonly classes: readonly string[]; readonly probs: readonly number[]; readonly predicted: string }
  /** Multi-label: every tag's probability and the tags above `thresh`. */
  | { readonly kind: 'tags'; readonly tokens: readonly string[]; readonly classes: readonly string[]; readonly probs: readonly number[]; readonly thresh: number; readonly predicted: readonly string[] }
  | { readonly kind: 'generated'; readonly tokens: readonly string[]; readonly generated: string };

/**
 * Every message between the page and the training worker. Only plain data crosses: numbers,
 * strings, arrays and Blobs (a Blob is passed by reference, not copied). Never a tensor.
 */

/** A chosen file on the wire: its path and its bytes as a Blob. */
export interface WireFile {
  readonly path: string;
  readonly blob: Blob;
}

/** Learner settings a person picks in the learner cell. */
export interface LearnerSpec {
  readonly arch: ArchSpec;
  readonly wd: number;
  /** Multi-label metric threshold (fastai's lesson 3 uses 0.2). */
  readonly thresh: number;
  /** F-beta's beta (2 in lesson 3). */
  readonly beta: number;
}

/** A picture the person says was predicted wrong, with the right label (class, or space-separated tags). */
export interface WireCorrection {
  readonly file: WireFile;
  readonly label: string;
}

/**
 * The worker's API in one place: each request's arguments and what it answers. The messages
 * (`Request`), the worker's handlers (`handleRequest.ts`) and the client's calls (`client.ts`)
 * are typed from this map, so a request is spelled once and a reply is never `unknown`.
 */
export interface TrainApi {
  /** `decoders`: how many decode workers the training worker spawns for its builds (the page's `?decoders=`). */
  init: { args: { readonly backends: readonly BackendName[]; readonly probe?: boolean; readonly decoders?: number }; reply: InitResult };
  /**
   * Builds the image data block in the worker, which keeps it (a new size keeps the learner:
   * progressive resizing); `buildProgress` events report the decoding. The page gets a view
   * without pixels, with show_batch for `draw`. A failed build leaves the worker's data as it was.
   */
  buildData: { args: { readonly spec: DataBlockSpec; readonly files: readonly WireFile[]; readonly draw?: number }; reply: BlockView };
  /** Another show_batch of the worker's image block. */
  drawBatch: { args: { readonly draw: number }; reply: BatchTiles };
  /** What the worker holds: live tensors and their bytes, and the bytes of decoded pixels its block keeps. */
  memory: { args: NoArgs; reply: WorkerMemory };
  buildLearner: { args: { readonly learner: LearnerSpec }; reply: LearnerInfo };
  lrFind: { args: { readonly numIt: number; readonly fastHead?: boolean; readonly epochs?: number }; reply: LrFindInfo };
  /** `cycle`: one-cycle's knobs (pct_start, div, div_final, moms); fastai's defaults where absent. */
  fit: {
    args: { readonly epochs: number; readonly lr: LrSpec; readonly oneCycle: boolean; readonly startEpoch?: number; readonly fastHead?: boolean; readonly cycle?: OneCycleOptions };
    reply: FitInfo;
  };
  /** fastai's `fine_tune`: frozen for `freezeEpochs` (on cached features when `fastHead`), then unfrozen with a slice. */
  fitFineTune: {
    args: { readonly epochs: number; readonly baseLr: number; readonly freezeEpochs: number; readonly fastHead?: boolean; readonly unfrozenBaseLr?: number };
    reply: FitInfo & { readonly learner: LearnerInfo };
  };
  freeze: { args: { readonly frozen: boolean }; reply: LearnerInfo };
  exportBundle: { args: { readonly float16?: boolean }; reply: Record<string, Uint8Array> };
  loadBundle: { args: { readonly files: Readonly<Record<string, Uint8Array>> }; reply: LearnerInfo };
  importBundle: { args: { readonly files: Readonly<Record<string, Uint8Array>> }; reply: ImportInfo };
  predict: { args: { readonly file: WireFile }; reply: PredictInfo };
  results: { args: NoArgs; reply: ResultsInfo };
  setThreshold: { args: { readonly thresh: number }; reply: Record<string, number> };
  fineTune: { args: { readonly corrections: readonly WireCorrection[]; readonly epochs: number; readonly lr: LrSpec }; reply: FitInfo };
  stop: { args: NoArgs; reply: boolean };
  /** Text: tokenizes and numericalises in the worker; `draw` picks the show_batch rows. While text is loaded, lrFind, fit and freeze act on the text learner. */
  setTextData: { args: { readonly spec: TextDataSpec; readonly files: readonly WireFile[]; readonly draw?: number; readonly lmUrl?: string }; reply: TextDataInfo };
  redrawText: { args: { readonly draw: number }; reply: TextDataInfo };
  buildTextLearner: { args: { readonly kind: TextLearnerKind; readonly lmUrl?: string }; reply: LearnerInfo };
  /** ULMFiT's gradual unfreezing of the classifier (lesson 3's stages), `lr` the first stage's rate, `rates` how the later stages' follow. */
  ulmfit: { args: { readonly lr: number; readonly lastEpochs: number; readonly rates: UlmfitRates }; reply: FitInfo & { readonly learner: LearnerInfo } };
  /** With `thresh` (multi-label), Predict, the export and these results use that threshold from now on. */
  textResults: { args: { readonly thresh?: number }; reply: TextResultsInfo };
  predictText: { args: { readonly text: string; readonly words?: number }; reply: TextPredictInfo };
}

/** The arguments of a request that takes none. */
type NoArgs = Record<never, never>;

/** A request's name. */
export type RequestName = keyof TrainApi;

/** The message of one request: its name, the id its reply repeats, and its arguments. */
export type RequestOf<K extends RequestName> = { readonly type: K; readonly id: number } & TrainApi[K]['args'];

/** Requests from the page; each carries an id that its reply repeats. */
export type Request = { [K in RequestName]: RequestOf<K> }[RequestName];

/** What a request answers. */
export type ReplyOf<K extends RequestName> = TrainApi[K]['reply'];

/** Replies: the value of a request, or why it failed. */
export type Reply = { readonly type: 'reply'; readonly id: number; readonly value: unknown } | { readonly type: 'failure'; readonly id: number; readonly message: string };

/** What `init` returns. */
export interface InitResult {
  readonly backend: BackendName;
  readonly reason: string;
  /** Per backend, one training step's time (or why it could not run), when the choice was measured. */
  readonly timings?: readonly ProbeResult[];
}

/** What `memory` returns. */
export interface WorkerMemory {
  readonly tensors: number;
  readonly tensorBytes: number;
  /** Decoded pixels (and masks) the image block keeps; a streamed block's cache. */
  readonly pixelBytes: number;
}

/** The block the worker trains on, as the training cells need it (`setData` returns it; the page takes it from the block view). */
export interface DataInfo {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly train: number;
  readonly valid: number;
  readonly size: SizeSpec;
}

/** What `buildLearner` and `freeze` return: the model's size by layer group. */
export interface LearnerInfo {
  readonly task: Task;
  readonly arch: string;
  readonly groups: readonly { readonly name: string; readonly params: number; readonly frozen: boolean; readonly from?: string }[];
  readonly totalParams: number;
  /** A pretrained body's cut, channels, input scaling and upscaling, in one line. */
  readonly body?: string;
}

/** What `importBundle` returns: the restored model, its manifest and settings. */
export interface ImportInfo {
  readonly learner: LearnerInfo;
  readonly manifest: StudioManifest;
  readonly learnerSpec: LearnerSpec;
  /** True when data matching the model was already loaded, so it can train on at once. */
  readonly attached: boolean;
}

/** What `lrFind` returns. */
export interface LrFindInfo {
  readonly lrs: readonly number[];
  readonly losses: readonly number[];
  readonly suggestions: { readonly valley: number; readonly slide: number; readonly steep: number; readonly minimum: number } | null;
  /** The studio's own suggestion (`autoLr`): the candidate whose probe run scored best, why, and every probe's scores. */
  readonly auto?: { readonly lr: number; readonly name: string; readonly reason: string; readonly probes?: readonly LrProbe[] };
  readonly cancelled: boolean;
}

/** What `fit` returns. */
export interface FitInfo {
  readonly cancelled: boolean;
  /** Set when the fit stopped on a NaN or infinite loss; the last good epoch's weights are kept. */
  readonly nonFinite?: string;
  /** Streamed pictures that could not be decoded during the fit and were left out, one message each. */
  readonly skipped?: readonly string[];
  /** The worker's live tensors once the fit ended: flat across fits, or something leaks. */
  readonly tensors: number;
}

/** One finished epoch (fastai's table row). */
export interface EpochEvent {
  readonly type: 'epoch';
  readonly fit: number;
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validLoss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** Batches since the last progress message, throttled to about every 125 ms. */
export interface ProgressEvent {
  readonly type: 'progress';
  readonly phase: 'train' | 'valid' | 'lrFind';
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
  /** Seconds since the fit or finder started. */
  readonly elapsed: number;
  /** Learning rate, raw and smoothed loss of each batch since the last message. */
  readonly lrs: readonly number[];
  readonly losses: readonly number[];
  readonly smooth: readonly number[];
  /** Mean wait of a training step for its batch, and mean step time, over these batches (ms). */
  readonly dataWaitMs?: number;
  readonly stepMs?: number;
}

/** The bundle of the weights at the end of an epoch, for autosave. */
export interface AutosaveEvent {
  readonly type: 'autosave';
  readonly epoch: number;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** Pictures decoded so far while the worker builds the image block. */
export interface BuildProgressEvent {
  readonly type: 'buildProgress';
  readonly done: number;
  readonly total: number;
}

/** Unprompted messages from the worker. */
export type WorkerEvent = ProgressEvent | EpochEvent | AutosaveEvent | BuildProgressEvent;

/** Anything the worker posts. */
export type FromWorker = Reply | WorkerEvent;
