import type { DataBlockSpec, SourceFile } from '../core/data/types';
import { blobOf } from '../io/browserFiles';
import type { BackendName } from '../core/tf/backend';
import type { LrSpec, OneCycleOptions } from '../core/train/schedules';
import type { UlmfitRates } from '../core/text/ulmfit';
import type {
  BatchTiles,
  BlockView,
  WorkerMemory,
  FitInfo,
  ImportInfo,
  PredictInfo,
  FromWorker,
  InitResult,
  LearnerInfo,
  LearnerSpec,
  LrFindInfo,
  ReplyOf,
  Request,
  RequestName,
  ResultsInfo,
  TextDataInfo,
  TextDataSpec,
  TextLearnerKind,
  TextPredictInfo,
  TextResultsInfo,
  TrainApi,
  WireFile,
  WorkerEvent,
} from './protocol';

/** The page's typed handle on the training worker. */
export interface TrainClient {
  /** Starts a backend: the fastest by a measured step with `probe`, else the first that starts. */
  /** `decoders`: how many decode workers the training worker spawns for its data-block builds. */
  init(backends: readonly BackendName[], probe?: boolean, decoders?: number): Promise<InitResult>;
  /** Builds the image data block in the worker, which keeps its pixels; the page gets the view and show_batch for `draw`. */
  buildData(spec: DataBlockSpec, files: readonly SourceFile[], draw?: number): Promise<BlockView>;
  /** Another show_batch of the worker's image block. */
  drawBatch(draw: number): Promise<BatchTiles>;
  /** Live tensors, their bytes and the decoded pixels the worker keeps. */
  memory(): Promise<WorkerMemory>;
  buildLearner(spec: LearnerSpec): Promise<LearnerInfo>;
  /** `fastHead`: on the head over the frozen body's cached features (what a fast-path fit trains). */
  /** `epochs`: the fit that follows, which `auto`'s probes run in full on the fast path. */
  lrFind(numIt: number, fastHead?: boolean, epochs?: number): Promise<LrFindInfo>;
  /** Trains; `startEpoch` resumes a one-cycle fit after that many finished epochs. */
  /** `fastHead`: train the head on cached body features (frozen body only). */
  fit(epochs: number, lr: LrSpec, oneCycle: boolean, startEpoch?: number, fastHead?: boolean, cycle?: OneCycleOptions): Promise<FitInfo>;
  /** fastai's `fine_tune`: `freezeEpochs` frozen, then `epochs` unfrozen with a slice; ends unfrozen. */
  fitFineTune(epochs: number, baseLr: number, freezeEpochs: number, fastHead?: boolean, unfrozenBaseLr?: number): Promise<FitInfo & { learner: LearnerInfo }>;
  freeze(frozen: boolean): Promise<LearnerInfo>;
  /** The trained model as the export bundle's files (file name -> bytes). */
  /** `float16`: the weights stored as float16, half the download (tfjs loads them as float32). */
  exportBundle(float16?: boolean): Promise<Record<string, Uint8Array>>;
  /** Loads an exported bundle's weights into the current learner. */
  loadBundle(files: Readonly<Record<string, Uint8Array>>): Promise<LearnerInfo>;
  /** Restores a model from an exported bundle, with or without data. */
  importBundle(files: Readonly<Record<string, Uint8Array>>): Promise<ImportInfo>;
  /** Predicts one picture as validation sees it. */
  predict(file: SourceFile): Promise<PredictInfo>;
  /** Every validation prediction, target and loss, with pictures of the shown items. */
  results(): Promise<ResultsInfo>;
  /** Sets the multi-label threshold; returns the validation metrics at it. */
  setThreshold(thresh: number): Promise<Record<string, number>>;
  /** A one-cycle fine-tuning run on the training set plus corrected pictures. */
  fineTune(corrections: readonly { file: SourceFile; label: string }[], epochs: number, lr: LrSpec): Promise<FitInfo>;
  /** Stops the running fit or finder; it resolves with what was learned so far. */
  stop(): Promise<boolean>;
  /** Text: tokenizes and numericalises the texts in the worker; the summary and show_batch come back. */
  /** `lmUrl`: the pretrained language model whose words enter the vocabulary from one occurrence. */
  setTextData(spec: TextDataSpec, files: readonly SourceFile[], draw?: number, lmUrl?: string): Promise<TextDataInfo>;
  redrawText(draw: number): Promise<TextDataInfo>;
  /** `lmUrl`: the language model starts from the pretrained one there. */
  buildTextLearner(kind: TextLearnerKind, lmUrl?: string): Promise<LearnerInfo>;
  /** ULMFiT's gradual unfreezing of the classifier. */
  ulmfit(lr: number, lastEpochs: number, rates: UlmfitRates): Promise<FitInfo & { learner: LearnerInfo }>;
  textResults(thresh?: number): Promise<TextResultsInfo>;
  /** The classifier's probabilities for a typed text, or the language model's continuation of it. */
  predictText(text: string, words?: number): Promise<TextPredictInfo>;
  /** Listens to progress and epoch events; returns an unsubscribe function. */
  onEvent(listener: (e: WorkerEvent) => void): () => void;
  terminate(): void;
}

/** The part of a Worker the client uses, so tests can pass a fake port. */
export interface WorkerPort {
  postMessage(message: Request): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromWorker>) => void): void;
  /** An error the worker did not catch (out of memory, a crashed backend): its requests will never be answered. */
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

/**
 * Wraps a worker: each request gets an id and a promise, replies settle them, and events go
 * to listeners.
 * @example const client = createTrainClient(new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' }));
 */
export function createTrainClient(worker: WorkerPort): TrainClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(e: WorkerEvent) => void>();
  worker.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type === 'reply' || m.type === 'failure') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.type === 'reply') p?.resolve(m.value);
      else p?.reject(new Error(m.message));
    } else {
      listeners.forEach((l) => l(m));
    }
  });
  // Without this, a worker that died mid-fit would leave the page "running" forever.
  worker.addEventListener('error', (e) => {
    const message = `The training worker failed: ${e.message || 'an error it could not report'}. Reload the page; the notebook and the last saved epoch come back.`;
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  });
  // The reply's type comes from the request's name (`TrainApi`), not from the caller.
  const call = <K extends RequestName>(type: K, args: TrainApi[K]['args']): Promise<ReplyOf<K>> =>
    new Promise<ReplyOf<K>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...args, type, id } as Request);
    });
  return {
    init: (backends, probe, decoders) => call('init', { backends, probe, decoders }),
    buildData: async (spec, files, draw) => call('buildData', { spec, files: await toWire(files), draw }),
    drawBatch: (draw) => call('drawBatch', { draw }),
    memory: () => call('memory', {}),
    buildLearner: (learner) => call('buildLearner', { learner }),
    lrFind: (numIt, fastHead, epochs) => call('lrFind', { numIt, fastHead, epochs }),
    fit: (epochs, lr, oneCycle, startEpoch, fastHead, cycle) => call('fit', { epochs, lr, oneCycle, startEpoch, fastHead, cycle }),
    fitFineTune: (epochs, baseLr, freezeEpochs, fastHead, unfrozenBaseLr) => call('fitFineTune', { epochs, baseLr, freezeEpochs, fastHead, unfrozenBaseLr }),
    freeze: (frozen) => call('freeze', { frozen }),
    exportBundle: (float16) => call('exportBundle', { float16 }),
    loadBundle: (files) => call('loadBundle', { files }),
    importBundle: (files) => call('importBundle', { files }),
    predict: async (file) => call('predict', { file: (await toWire([file]))[0] }),
    results: () => call('results', {}),
    setThreshold: (thresh) => call('setThreshold', { thresh }),
    fineTune: async (corrections, epochs, lr) => {
      const wire = await toWire(corrections.map((c) => c.file));
      return call('fineTune', { corrections: wire.map((file, i) => ({ file, label: corrections[i].label })), epochs, lr });
    },
    stop: () => call('stop', {}),
    setTextData: async (spec, files, draw, lmUrl) => call('setTextData', { spec, files: await toWire(files), draw, lmUrl }),
    redrawText: (draw) => call('redrawText', { draw }),
    buildTextLearner: (kind, lmUrl) => call('buildTextLearner', { kind, lmUrl }),
    ulmfit: (lr, lastEpochs, rates) => call('ulmfit', { lr, lastEpochs, rates }),
    textResults: (thresh) => call('textResults', thresh === undefined ? {} : { thresh }),
    predictText: (text, words) => call('predictText', { text, words }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    terminate: () => worker.terminate(),
  };
}

/** Files as Blobs: a Blob crosses to the worker by reference, so a big folder is not copied. */
async function toWire(files: readonly SourceFile[]): Promise<WireFile[]> {
  return Promise.all(files.map(async (f) => ({ path: f.path, blob: blobOf(f) ?? new Blob([(await f.read()) as Uint8Array<ArrayBuffer>]) })));
}
