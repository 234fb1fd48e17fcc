import type { SizeSpec } from '../core/data/sizeSpec';
import type { SourceFile } from '../core/data/types';
import type { TestPrediction } from '../core/interpret/submission';
import { ONE_CYCLE_DEFAULTS, type LrSpec, type OneCycleOptions } from '../core/train/schedules';
import type { ProbeResult } from '../core/tf/probe';
import type { DataInfo, EpochEvent, LearnerInfo, LearnerSpec, LrFindInfo, PredictInfo, ProgressEvent, ResultsInfo } from '../workers/protocol';

/** One fit as it appears on the page: what was asked, and how it went. */
export interface FitRun {
  readonly index: number;
  readonly epochs: number;
  readonly lr: string;
  readonly oneCycle: boolean;
  readonly size: SizeSpec;
  readonly frozen: boolean;
  /** Trained the head on cached body features (the frozen fast path). */
  readonly fastHead?: boolean;
  /** `interrupted`: the page was closed or reloaded during the fit; it can resume from its last saved epoch. */
  readonly status: 'running' | 'done' | 'stopped' | 'failed' | 'interrupted';
  /** Epochs of this fit whose weights were saved (autosave), where a resume starts. */
  readonly savedEpochs?: number;
  /** fastai's `fine_tune` recipe: the first `freezeEpochs` epochs ran frozen, the rest unfrozen with a slice. */
  readonly fineTune?: { readonly freezeEpochs: number };
  /** ULMFiT's gradual unfreezing: its stages as fastai calls, shown in place of one call. */
  readonly stages?: readonly string[];
  /** One-cycle's knobs where they differed from fastai's defaults (a resume uses them again). */
  readonly cycle?: OneCycleOptions;
  /** Fine-tuning on corrections: how many corrected pictures were added. */
  readonly corrections?: number;
  readonly message?: string;
  /** The worker's live tensors when the fit ended (a leak shows as growth from fit to fit). */
  readonly tensors?: number;
}

/** One-cycle's knobs as the Fit cell holds them (fastai's `fit_one_cycle` arguments). */
export interface OneCycleSettings {
  readonly pctStart: number;
  readonly div: number;
  readonly divFinal: number;
  readonly moms: readonly [number, number, number];
}

/** Loss history across every fit, batch by batch (raw and smoothed), validation at epoch ends, the schedule. */
export interface History {
  readonly iters: readonly number[];
  readonly losses: readonly number[];
  readonly smooth: readonly number[];
  readonly lrs: readonly number[];
  readonly validIters: readonly number[];
  readonly validLosses: readonly number[];
}

/** One picture a person asked a prediction for; `correction` is the right label when they marked it wrong. */
export interface Prediction {
  readonly id: number;
  readonly file: SourceFile;
  readonly info: PredictInfo;
  readonly correction?: string;
}

/** The test set's predictions: how many pictures, which are done, which could not be read. */
export interface TestSet {
  readonly total: number;
  readonly predictions: readonly TestPrediction[];
  /** One message per picture that could not be predicted, naming it. */
  readonly failed: readonly string[];
  /** The training CSV's suffix, removed from the submission's names as Kaggle expects. */
  readonly suffix?: string;
}

/** A named checkpoint kept in the browser (fastai's `learn.save(name)`). */
export interface CheckpointEntry {
  readonly name: string;
  readonly savedAt: string;
  readonly epochs: number;
}

/** Everything the training cells show. */
export interface TrainState {
  readonly backend: { readonly name: string; readonly reason: string; readonly timings?: readonly ProbeResult[] } | null;
  readonly busy: 'data' | 'learner' | 'lrFind' | 'fit' | 'results' | 'predict' | 'project' | null;
  readonly data: DataInfo | null;
  readonly learnerSpec: LearnerSpec;
  /** True once the person picked an architecture; until then the guess for the data is used (`effectiveLearnerSpec`). */
  readonly archChosen: boolean;
  readonly learner: LearnerInfo | null;
  readonly finder: (LrFindInfo & { readonly running: boolean }) | null;
  /** What `fit` will use: `3e-3`, or `1e-5,1e-3` for a slice. */
  readonly lrInput: string;
  /**
   * Frozen fits train the head on cached body features (no augmentation; see fastHead.ts). On by
   * default: an ImageNet body's frozen fit with batch norm training backpropagates through the
   * whole body, about 10x the cost of computing its features once (bench item 2b on wasm).
   */
  readonly fastHead: boolean;
  readonly epochs: number;
  /** One-cycle's knobs for the next fit, fastai's defaults to start with. */
  readonly cycle: OneCycleSettings;
  /** LR finder iterations (fastai: 100). */
  readonly finderIters: number;
  readonly runs: readonly FitRun[];
  readonly rows: readonly (EpochEvent & { readonly run: number })[];
  readonly history: History;
  readonly progress: { readonly done: number; readonly total: number; readonly elapsed: number; readonly label: string } | null;
  /** Latest mean time a training step waited for data, and the step itself (ms). */
  readonly timing: { readonly dataWaitMs: number; readonly stepMs: number } | null;
  readonly results: ResultsInfo | null;
  /** Validation metrics after the person picked a threshold (multi-label). */
  readonly thresholdMetrics: Readonly<Record<string, number>> | null;
  readonly predictions: readonly Prediction[];
  /** fastai's `add_test_folder`: the unlabelled test pictures predicted for a submission, as it goes. */
  readonly test: TestSet | null;
  readonly checkpoints: readonly CheckpointEntry[];
  /** The epoch whose weights autosave last kept, in which fit. */
  readonly autosaved: { readonly run: number; readonly epoch: number } | null;
  /** A line about where the notebook came from: restored after a reload, imported from a file. */
  readonly notice: string | null;
  readonly error: string | null;
}

/** The part of the training state autosave keeps and a reload restores. */
export type SavedTrainState = Pick<TrainState, 'learnerSpec' | 'archChosen' | 'learner' | 'data' | 'finder' | 'lrInput' | 'epochs' | 'finderIters' | 'runs' | 'rows' | 'history' | 'autosaved' | 'checkpoints'>;

/** Every change the training cells can make. */
export type TrainAction =
  | { type: 'backend'; name: string; reason: string; timings?: readonly ProbeResult[] }
  | { type: 'busy'; busy: TrainState['busy'] }
  | { type: 'dataReady'; data: DataInfo }
  | { type: 'learnerSpec'; spec: LearnerSpec }
  | { type: 'learnerReady'; learner: LearnerInfo }
  /** The worker dropped its learner (the text block was rebuilt): its view and LR finder go too. */
  | { type: 'learnerDropped' }
  | { type: 'finderStarted' }
  | { type: 'finderDone'; result: LrFindInfo }
  | { type: 'lrInput'; value: string }
  | { type: 'epochs'; value: number }
  | { type: 'cycle'; value: Partial<OneCycleSettings> }
  | { type: 'fastHead'; value: boolean }
  | { type: 'finderIters'; value: number }
  | { type: 'fitStarted'; run: Omit<FitRun, 'index' | 'status'> }
  | { type: 'fitEnded'; status: FitRun['status']; message?: string; tensors?: number }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'epoch'; event: EpochEvent }
  | { type: 'fitResumed' }
  | { type: 'notice'; text: string }
  | { type: 'results'; results: ResultsInfo | null }
  | { type: 'threshold'; thresh: number; metrics: Record<string, number> }
  | { type: 'predicted'; prediction: Omit<Prediction, 'id'> }
  | { type: 'correction'; id: number; label: string | undefined }
  | { type: 'clearPredictions' }
  | { type: 'testStarted'; total: number; suffix?: string }
  | { type: 'testPredicted'; predictions: readonly TestPrediction[]; failed: readonly string[] }
  | { type: 'checkpoints'; list: readonly CheckpointEntry[] }
  | { type: 'autosaved'; run: number; epoch: number }
  | { type: 'restored'; saved: SavedTrainState; notice: string }
  | { type: 'imported'; learner: LearnerInfo; learnerSpec: LearnerSpec; rows: readonly EpochEvent[]; notice: string }
  | { type: 'failed'; error: string };

const emptyHistory: History = { iters: [], losses: [], smooth: [], lrs: [], validIters: [], validLosses: [] };

/** Before anything is trained: lesson 3's defaults (one-cycle, wd 0.01, thresh 0.2, F2). */
export const initialTrainState: TrainState = {
  backend: null,
  busy: null,
  data: null,
  learnerSpec: { arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 },
  archChosen: false,
  learner: null,
  finder: null,
  lrInput: '1e-3',
  epochs: 3,
  cycle: { ...ONE_CYCLE_DEFAULTS },
  fastHead: true,
  finderIters: 100,
  runs: [],
  rows: [],
  history: emptyHistory,
  progress: null,
  timing: null,
  results: null,
  thresholdMetrics: null,
  predictions: [],
  test: null,
  checkpoints: [],
  autosaved: null,
  notice: null,
  error: null,
};

/** Pure reducer of the training cells. */
export function trainReducer(s: TrainState, a: TrainAction): TrainState {
  switch (a.type) {
    case 'backend':
      return { ...s, backend: { name: a.name, reason: a.reason, timings: a.timings } };
    case 'busy':
      return { ...s, busy: a.busy, error: a.busy ? null : s.error };
    case 'dataReady':
      return { ...s, data: a.data };
    case 'learnerSpec':
      return { ...s, learnerSpec: a.spec, archChosen: s.archChosen || a.spec.arch !== s.learnerSpec.arch };
    case 'learnerReady':
      return { ...s, learner: a.learner };
    case 'learnerDropped':
      return { ...s, learner: null, finder: null };
    case 'finderStarted':
      return { ...s, finder: { lrs: [], losses: [], suggestions: null, cancelled: false, running: true } };
    case 'finderDone':
      return { ...s, finder: { ...a.result, running: false }, lrInput: a.result.auto ? formatLr(a.result.auto.lr) : a.result.suggestions ? formatLr(a.result.suggestions.valley) : s.lrInput, progress: null };
    case 'lrInput':
      return { ...s, lrInput: a.value };
    case 'epochs':
      return { ...s, epochs: a.value };
    case 'cycle':
      return { ...s, cycle: { ...s.cycle, ...a.value } };
    case 'fastHead':
      return { ...s, fastHead: a.value };
    case 'finderIters':
      return { ...s, finderIters: a.value };
    case 'fitStarted':
      return { ...s, runs: [...s.runs, { ...a.run, index: s.runs.length + 1, status: 'running' }], progress: { done: 0, total: a.run.epochs, elapsed: 0, label: 'starting' } };
    case 'fitEnded':
      return { ...s, runs: s.runs.map((r, i) => (i === s.runs.length - 1 ? { ...r, status: a.status, message: a.message, tensors: a.tensors } : r)), progress: null };
    case 'progress':
      return onProgress(s, a.event);
    case 'epoch':
      return onEpoch(s, a.event);
    case 'failed':
      // Busy stays: it belongs to the running operation, which frees it when it ends (an export
      // or autosave failing during a fit must not re-enable Fit).
      return { ...s, error: a.error, progress: s.busy ? s.progress : null };
    default:
      return projectReducer(s, a);
  }
}

/** Results, predictions, checkpoints and restore: the actions after training. */
function projectReducer(s: TrainState, a: TrainAction): TrainState {
  switch (a.type) {
    case 'notice':
      return { ...s, notice: a.text };
    case 'fitResumed':
      return { ...s, runs: s.runs.map((r, i) => (i === s.runs.length - 1 ? { ...r, status: 'running', message: undefined } : r)), progress: { done: 0, total: 1, elapsed: 0, label: 'resuming' } };
    case 'results':
      return { ...s, results: a.results, thresholdMetrics: null };
    case 'threshold':
      return { ...s, learnerSpec: { ...s.learnerSpec, thresh: a.thresh }, thresholdMetrics: a.metrics, results: s.results && { ...s.results, thresh: a.thresh } };
    case 'predicted':
      return { ...s, predictions: [{ ...a.prediction, id: (s.predictions[0]?.id ?? 0) + 1 }, ...s.predictions] };
    case 'correction':
      return { ...s, predictions: s.predictions.map((p) => (p.id === a.id ? { ...p, correction: a.label } : p)) };
    case 'clearPredictions':
      return { ...s, predictions: [] };
    case 'testStarted':
      return { ...s, test: { total: a.total, predictions: [], failed: [], suffix: a.suffix } };
    case 'testPredicted':
      return s.test ? { ...s, test: { ...s.test, predictions: [...s.test.predictions, ...a.predictions], failed: [...s.test.failed, ...a.failed] } } : s;
    case 'checkpoints':
      return { ...s, checkpoints: a.list };
    case 'autosaved':
      return { ...s, autosaved: { run: a.run, epoch: a.epoch }, runs: s.runs.map((r) => (r.index === a.run ? { ...r, savedEpochs: a.epoch + 1 } : r)) };
    case 'restored':
      // Notebooks saved before the guess existed built what their spec says.
      return { ...s, ...a.saved, archChosen: a.saved.archChosen ?? true, busy: null, progress: null, notice: a.notice };
    case 'imported':
      return { ...s, learner: a.learner, learnerSpec: a.learnerSpec, archChosen: true, rows: a.rows.map((r) => ({ ...r, run: 0 })), runs: [], history: emptyHistory, finder: null, results: null, notice: a.notice };
    default:
      return s;
  }
}

function onProgress(s: TrainState, e: ProgressEvent): TrainState {
  const done = e.epoch * e.batchesPerEpoch + Math.min(e.batch + 1, e.batchesPerEpoch);
  const progress = {
    done,
    total: e.epochs * e.batchesPerEpoch,
    elapsed: e.elapsed,
    label: e.phase === 'lrFind' ? 'LR finder' : `epoch ${e.epoch + 1}/${e.epochs} · batch ${e.batch + 1}/${e.batchesPerEpoch}${e.phase === 'valid' ? ' (validating)' : ''}`,
  };
  if (e.phase === 'lrFind') {
    const f = s.finder ?? { lrs: [], losses: [], suggestions: null, cancelled: false, running: true };
    return { ...s, progress, finder: { ...f, lrs: [...f.lrs, ...e.lrs], losses: [...f.losses, ...e.smooth] } };
  }
  const timing = e.stepMs !== undefined ? { dataWaitMs: e.dataWaitMs ?? 0, stepMs: e.stepMs } : s.timing;
  if (e.losses.length === 0) return { ...s, progress, timing };
  const h = s.history;
  const start = h.iters.length;
  const history = { ...h, iters: [...h.iters, ...e.losses.map((_, i) => start + i + 1)], losses: [...h.losses, ...e.losses], smooth: [...h.smooth, ...e.smooth], lrs: [...h.lrs, ...e.lrs] };
  return { ...s, progress, history, timing };
}

function onEpoch(s: TrainState, e: EpochEvent): TrainState {
  const h = s.history;
  const history = { ...h, validIters: [...h.validIters, h.iters.length], validLosses: [...h.validLosses, e.validLoss] };
  return { ...s, rows: [...s.rows, { ...e, run: s.runs.length }], history };
}

/** A learning rate as a person types it: `3e-3`, `1e-5`. */
export function formatLr(lr: number): string {
  return lr.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e');
}

/**
 * Reads the `lr-input` field: one rate (`3e-3`) or a slice (`1e-5,1e-3`), all positive.
 * @example parseLr('1e-5, 1e-3') // [1e-5, 0.001]
 */
export function parseLr(text: string): LrSpec | null {
  const parts = text
    .split(/[,\s]+/)
    .filter((p) => p !== '')
    .map(Number);
  if (parts.length === 1 && parts[0] > 0 && Number.isFinite(parts[0])) return parts[0];
  if (parts.length === 2 && parts.every((p) => p > 0 && Number.isFinite(p))) return [Math.min(...parts), Math.max(...parts)] as [number, number];
  return null;
}
