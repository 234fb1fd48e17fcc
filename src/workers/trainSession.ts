import { fastHeadLearner, type FastHead } from '../core/train/fastHead';
import * as tf from '@tensorflow/tfjs';
import { makeDataLoaders, plainTrainLoader } from '../core/data/block';
import type { BatchPreparer } from '../core/data/preparePool';
import type { BatchTiles, BlockView } from '../core/data/blockView';
import { buildImageData, describeImageData, drawTiles, keptPixelBytes, type BuiltImageData, type NamedDecoder } from './imageData';
import type { DataBlockSpec, ImageDecoder, SourceFile } from '../core/data/types';
import { readBundle, type BundleFiles } from '../core/project/bundle';
import { optimizerFiles, readOptimizerFiles } from '../core/project/optimizerFiles';
import { groupsFromNames } from '../core/model/types';
import type { BackendName } from '../core/tf/backend';
import { CancelFitError, NonFiniteLossError, type Callback } from '../core/train/callback';
import { fineTune } from '../core/train/fineTune';
import { FAST_PATH_PROBES, autoLr } from '../core/train/autoLr';
import type { FitOptions, FitResult, Learner, Progress } from '../core/train/learner';
import type { LrSpec, OneCycleOptions } from '../core/train/schedules';
import { startBackend } from './backendProbe';
import { archFromDescription, learnerBundle, learnerManifest, type ExportOptions } from '../core/project/learnerBundle';
import { withCorrections, type Correction } from '../core/data/corrections';
import { buildModel, startsFrozen } from '../core/model/build';
import { keepBatchNormInInference } from '../core/model/batchNormMode';
import { backboneLoader } from '../io/backbone';
import { gradCamSplit } from '../core/interpret/gradCam';
import { predictPicture } from '../core/train/predictPicture';
import { ProgressThrottle } from './progressThrottle';
import { TextSession } from './textSession';
import { OneAtATime, multiLabelMetrics, where } from './sessionParts';
import { disposeModel, learnerInfoOf, makeLearner, predictorOf, requireData, requireLearner, withData, withoutModel, type SessionState } from './sessionState';
import type { DataInfo, WorkerMemory, FitInfo, ImportInfo, PredictInfo, InitResult, LearnerInfo, LearnerSpec, LrFindInfo, WorkerEvent } from './protocol';
import { collectResults } from '../core/interpret/collectResults';
import type { ResultsInfo } from '../core/interpret/resultsInfo';

/**
 * Everything the training worker does, without the worker: tests drive it directly in Node,
 * and `train.worker.ts` only forwards messages to it. One operation runs at a time; `stop`
 * aborts it and the learner keeps what it learned.
 */
export class TrainSession {
  /** The data block and the model: nothing, data, a learner on it, or an imported model (see `SessionState`). */
  private state: SessionState = { kind: 'empty' };
  /** The weight decay and F-beta's beta of the last learner built: an imported model keeps them. */
  private settings: Pick<LearnerSpec, 'wd' | 'beta'> = { wd: 0.01, beta: 2 };
  /** Commands that change the data or the learner run one at a time; the others are refused with a message. */
  private readonly turns = new OneAtATime();
  /** The text task (tokenized texts, AWD-LSTM learners); it takes turns with the image commands. */
  readonly text = new TextSession(this.turns, (e) => this.post(e));

  /** Resolves once `init` has chosen a backend: a build asked for meanwhile waits, so its tensors never start tfjs's default one. */
  private backendChosen: Promise<unknown> = Promise.resolve();
  /** Decode workers asked for by `init` (the page's `?decoders=`); the default pool size when absent. */
  private decoderCount: number | undefined;

  /**
   * `decode` reads one picture (predictions, corrections); `buildDecoder` gives the decoder of
   * data-block builds and its name for the summary: in the browser, a pool of decode workers
   * spawned from this worker (see train.worker.ts), else `decode` itself. `preparer` makes the
   * training batches on wasm and CPU off this thread (in the browser, workers this one spawns).
   */
  constructor(
    private readonly decode: ImageDecoder,
    private readonly post: (e: WorkerEvent) => void,
    private readonly buildDecoder: (count?: number) => NamedDecoder = () => ({ decode, name: 'the training worker' }),
    private readonly preparer?: BatchPreparer,
  ) {}

  /**
   * Starts a backend (`startBackend`: measured with `probe`, else the first that starts);
   * `decoders` sizes the pool that decodes the data-block builds.
   */
  init(backends: readonly BackendName[], probe = false, decoders?: number): Promise<InitResult> {
    this.decoderCount = decoders;
    const chosen = startBackend(backends, probe);
    this.backendChosen = chosen.catch(() => undefined);
    return chosen;
  }

  /**
   * Builds the image data block from the files, in this worker, which keeps it: a new size keeps
   * the learner (progressive resizing). The page gets a view without pixels and show_batch for
   * `draw`; decoding posts `buildProgress`. A failed build leaves the session's data as it was.
   */
  buildData(spec: DataBlockSpec, files: readonly SourceFile[], draw = 0): Promise<BlockView> {
    return this.turns.run('data block build', async () => {
      const decoder = this.buildDecoder(this.decoderCount);
      const built = await this.buildImage(spec, files, decoder.decode, (done, total) => {
        // Decoding reports per image; a message per image would flood the page.
        if (done === total || done % 25 === 0) this.post({ type: 'buildProgress', done, total });
      });
      return describeImageData(built, spec, decoder.name, draw);
    });
  }

  /** Another show_batch of the session's image block. */
  async drawBatch(draw: number): Promise<BatchTiles> {
    return drawTiles(requireData(this.state), draw);
  }

  /**
   * Builds the data block without the page's view (no summary, no show_batch): what tests and
   * the command line need to train. Throws the blocking problem when the block cannot be built.
   */
  setData(spec: DataBlockSpec, files: readonly SourceFile[]): Promise<DataInfo> {
    return this.turns.run('data block build', async () => {
      const { block } = await this.buildImage(spec, files, this.buildDecoder(this.decoderCount).decode);
      if (!block.ok) throw new Error(block.problems.find((p) => p.blocking)?.message ?? 'the data block could not be built');
      return { task: block.task, classes: block.classes, train: block.train.length, valid: block.valid.length, size: spec.transforms.size };
    });
  }

  /** Builds once the backend is chosen, and makes a usable block the session's data. */
  private async buildImage(spec: DataBlockSpec, files: readonly SourceFile[], decode: ImageDecoder, onProgress?: (done: number, total: number) => void): Promise<BuiltImageData> {
    await this.backendChosen;
    const built = await buildImageData(spec, files, decode, onProgress, this.preparer);
    if (built.data) this.state = withData(this.state, built.data);
    return built;
  }

  /** Live tensors and their bytes, and the decoded pixels the image block keeps (one copy, here). */
  memory(): WorkerMemory {
    const { numTensors, numBytes } = tf.memory();
    const data = this.state.kind === 'empty' ? null : this.state.data;
    return { tensors: numTensors, tensorBytes: numBytes, pixelBytes: data ? keptPixelBytes(data) : 0 };
  }

  buildLearner(spec: LearnerSpec): Promise<LearnerInfo> {
    return this.turns.run('learner build', async () => {
      const data = requireData(this.state);
      this.disposeLearner();
      const { dls } = data;
      const grouped = await buildModel(spec.arch, dls.task, dls.classes.length, dls, backboneLoader);
      this.settings = { wd: spec.wd, beta: spec.beta };
      const learner = makeLearner(grouped, data, spec);
      // A pretrained body starts frozen, as fastai's cnn_learner / unet_learner: train the head first.
      const frozen = startsFrozen(spec.arch);
      this.state = { kind: 'learner', data, learner, spec, frozen };
      if (frozen) learner.freeze();
      return learnerInfoOf(this.state);
    });
  }

  /**
   * fastai's `lr_find`; with `fastHead` (frozen body), on the head over cached features, which is
   * what that fit trains. `auto` probes each candidate with the coming `epochs`-epoch fit (at
   * most `WHOLE_FIT_STEPS` steps of it; on the fast path, all of it).
   */
  lrFind(numIt: number, fastHead = false, epochs?: number): Promise<LrFindInfo> {
    return this.turns.run('LR finder', (signal) => {
      const { learner: learn, frozen } = requireLearner(this.state);
      const throttle = new ProgressThrottle((e) => this.post(e));
      const onProgress = (p: Progress) => throttle.add(where(p), { lr: p.lr, loss: p.loss, smooth: p.smoothLoss });
      return this.onRunner(learn, fastHead && frozen, async (runner) => {
        const r = await runner.lrFind({ numIt, signal, onProgress });
        // Probe runs of the candidates decide the studio's suggestion (their progress is not the curve's).
        const auto = r.suggestions && !r.cancelled ? await autoLr(runner, r.suggestions, { signal, epochs, ...(runner === learn ? {} : FAST_PATH_PROBES) }) : null;
        throttle.add({ phase: 'lrFind', epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: numIt }, null, true);
        const info = { lrs: r.lrs, losses: r.losses, suggestions: r.suggestions, cancelled: r.cancelled || (signal.aborted ?? false) };
        return auto && !signal.aborted ? { ...info, auto: { lr: auto.lr, name: auto.name, reason: auto.reason, probes: auto.probes } } : info;
      }).catch((e: unknown) => {
        // Stopped while the fast path computed the body's features: no curve yet.
        if (e instanceof CancelFitError) return { lrs: [], losses: [], suggestions: null, cancelled: true };
        throw e;
      });
    });
  }

  /**
   * Trains; `startEpoch` resumes a one-cycle fit after that many finished epochs (after a reload).
   * `fastHead` (frozen body only): the body's features are computed once, without augmentation,
   * and the head trains on them (`fastHeadLearner`); the model's head is the one that learns.
   */
  fit(epochs: number, lr: LrSpec, oneCycle: boolean, startEpoch = 0, fastHead = false, cycle: OneCycleOptions = {}): Promise<FitInfo> {
    return this.turns.run('fit', (signal) => this.fitNow(signal, epochs, lr, oneCycle, startEpoch, fastHead, cycle));
  }

  private fitNow(signal: AbortSignal, epochs: number, lr: LrSpec, oneCycle: boolean, startEpoch = 0, fastHead = false, cycle: OneCycleOptions = {}): Promise<FitInfo> {
    const { learner: learn } = requireLearner(this.state);
    const lrSpec = typeof lr === 'number' ? lr : ([lr[0], lr[1]] as [number, number]);
    return this.training((onProgress) =>
      this.onRunner(learn, fastHead, (runner) => {
        const opts = { ...cycle, signal, onProgress, startEpoch, callbacks: [this.epochPoster(runner, startEpoch)] };
        return oneCycle ? runner.fitOneCycle(epochs, lrSpec, opts) : runner.fit(epochs - startEpoch, lrSpec, opts);
      }),
    );
  }

  /**
   * fastai's `fine_tune(epochs, baseLr)` as one run: `freezeEpochs` frozen (on the fast path's
   * cached features when `fastHead`), then unfrozen with a slice; its epochs are numbered on from
   * the frozen ones. The learner ends unfrozen, as in fastai.
   */
  fineTuneFit(epochs: number, baseLr: number, freezeEpochs = 1, fastHead = false, unfrozenBaseLr?: number): Promise<FitInfo & { learner: LearnerInfo }> {
    return this.turns.run('fine_tune', (signal) => this.fineTuneNow(signal, epochs, baseLr, freezeEpochs, fastHead, unfrozenBaseLr));
  }

  private async fineTuneNow(signal: AbortSignal, epochs: number, baseLr: number, freezeEpochs: number, fastHead: boolean, unfrozenBaseLr?: number): Promise<FitInfo & { learner: LearnerInfo }> {
    const learn = requireLearner(this.state).learner;
    // fineTune freezes first; the fast path checks this flag when the frozen phase starts.
    this.setFrozen(true);
    const info = await this.training(async (onProgress) => {
      const frozenFit = (n: number, lr: number, opts: FitOptions & OneCycleOptions) => this.onRunner(learn, fastHead, (runner) => runner.fitOneCycle(n, lr, { ...opts, callbacks: [this.epochPoster(runner, 0)] }));
      const unfrozenPoster = this.epochPoster(learn, freezeEpochs);
      return fineTune(learn, epochs, baseLr, { signal, onProgress, freezeEpochs, unfrozenBaseLr, frozenFit, callbacks: [unfrozenPoster], onUnfreeze: () => this.setFrozen(false) });
    });
    return { ...info, learner: learnerInfoOf(this.state) };
  }

  /** Runs a fit with throttled progress; a NaN or diverging loss ends it with the last good weights. */
  private async training(run: (onProgress: (p: Progress) => void) => Promise<FitResult>): Promise<FitInfo> {
    const throttle = new ProgressThrottle((e) => this.post(e));
    const onProgress = (p: Progress) =>
      throttle.add(where(p), p.phase === 'train' ? { lr: p.lr, loss: p.loss, smooth: p.smoothLoss, dataWaitMs: p.dataWaitMs, stepMs: p.stepMs } : null, p.batch + 1 === p.batchesPerEpoch);
    try {
      const r = await run(onProgress);
      throttle.flush();
      const skipped = requireData(this.state).block.pixels.failures.map((p) => p.message);
      const tensors = tf.memory().numTensors;
      return skipped.length > 0 ? { cancelled: r.cancelled, skipped, tensors } : { cancelled: r.cancelled, tensors };
    } catch (e) {
      throttle.flush();
      if (e instanceof NonFiniteLossError) return { cancelled: false, nonFinite: e.message, tensors: tf.memory().numTensors };
      // Stopped while the fast path was still computing the body's features: nothing trained yet.
      if (e instanceof CancelFitError) return { cancelled: true, tensors: tf.memory().numTensors };
      throw e;
    }
  }

  /** Runs `use` on the learner, or with `fastHead` on the fast path's head learner, freed after. */
  private async onRunner<T>(learn: Learner, fastHead: boolean, use: (runner: Learner) => Promise<T>): Promise<T> {
    const fast = fastHead ? await this.fastHead(learn, this.turns.signal) : null;
    try {
      return await use(fast?.learner ?? learn);
    } finally {
      fast?.dispose();
    }
  }

  /** The fast path's head learner over cached body features, or a clear reason it cannot run. */
  private async fastHead(learn: Learner, signal?: AbortSignal): Promise<FastHead> {
    if (!requireLearner(this.state).frozen) throw new Error('The fast path trains the head on cached body features: freeze the body first');
    const { block, spec } = requireData(this.state);
    // The training pictures as validation sees them: centre crop, no augmentation, the same every epoch.
    const fast = await fastHeadLearner(learn, plainTrainLoader(block, spec), { signal, seed: spec.batch.seed });
    if (!fast) throw new Error("This model's head reads more than one body tensor (a U-Net decoder), so it cannot train on cached features");
    return fast;
  }

  /** The export bundle of the current learner: tfjs model files, studio.json, README, metadata. */
  async exportBundle(opts: ExportOptions = {}): Promise<BundleFiles> {
    if (this.text.active) return this.text.exportBundle();
    const { learner: learn, spec: learnerSpec } = requireLearner(this.state);
    const { dls, spec } = requireData(this.state);
    const manifest = learnerManifest(learn, dls, spec, learnerSpec.arch, learnerSpec.thresh);
    return learnerBundle(learn, manifest, opts);
  }

  /** Predicts one picture the way validation sees it: activated outputs, plain numbers. */
  async predict(file: SourceFile): Promise<PredictInfo> {
    const { model, view, grouped } = predictorOf(this.state);
    return predictPicture(model, view, await this.decode(file), gradCamSplit(grouped));
  }

  /** Loads the weights of an exported bundle or checkpoint into the current learner (same architecture). */
  loadBundle(files: BundleFiles): Promise<LearnerInfo> {
    return this.turns.run('weights load', async () => {
      const learnerState = requireLearner(this.state);
      const read = readBundle(files);
      if ('error' in read) throw new Error(read.error);
      learnerState.learner.load(read.artifacts);
      return learnerInfoOf(learnerState);
    });
  }

  /**
   * Restores a model from an exported bundle, with or without data: the model as it was saved
   * (same topology, same weights, so the same predictions), its layer groups by name, its
   * settings. With matching data it becomes the learner and can train on.
   */
  importBundle(files: BundleFiles): Promise<ImportInfo> {
    return this.turns.run('import', () => this.importNow(files));
  }

  private async importNow(files: BundleFiles): Promise<ImportInfo> {
    const read = readBundle(files);
    if ('error' in read) throw new Error(read.error);
    const model = await tf.loadLayersModel(tf.io.fromMemory(read.artifacts));
    this.disposeLearner();
    const { manifest } = read;
    const imported = { grouped: groupsFromNames(model, manifest.layerGroups), manifest, training: readOptimizerFiles(files) };
    const spec: LearnerSpec = { arch: archFromDescription(manifest.arch), wd: this.settings.wd, thresh: manifest.threshold ?? 0.2, beta: this.settings.beta };
    // As when it was built: a pretrained body's batch norm stays in inference mode (batchNormMode.ts).
    if (spec.arch.kind === 'pretrained') keepBatchNormInInference(imported.grouped.layerGroups.slice(0, -1).flat());
    const data = this.state.kind === 'data' ? this.state.data : null;
    this.state = withData({ kind: 'imported', data: null, model: imported, spec }, data);
    return { learner: learnerInfoOf(this.state), manifest, learnerSpec: spec, attached: this.state.kind === 'learner' };
  }

  /** fastai's `Interpretation.from_learner`: every validation prediction, target and loss. */
  async results(): Promise<ResultsInfo> {
    const { learner: learn, spec: learnerSpec } = requireLearner(this.state);
    const { block, spec } = requireData(this.state);
    return collectResults(learn, block, spec, learnerSpec.thresh);
  }

  /** A new multi-label threshold: the metrics (now and in later epochs and exports) use it. */
  setThreshold(thresh: number): Promise<Record<string, number>> {
    return this.turns.run('threshold change', async () => {
      const learnerState = requireLearner(this.state);
      const learn = learnerState.learner;
      const spec = { ...learnerState.spec, thresh };
      this.state = { ...learnerState, spec };
      if (learn.dls.task === 'multi') learn.metrics = multiLabelMetrics(spec);
      const { validLoss, metrics } = await learn.evaluate();
      return { valid_loss: validLoss, ...metrics };
    });
  }

  /**
   * A fine-tuning run on the training set plus the person's corrections; the data block is the
   * original again afterwards, so a later fit or resize does not keep repeating them.
   */
  fineTune(corrections: readonly Correction[], epochs: number, lr: LrSpec): Promise<FitInfo> {
    return this.turns.run('fine-tuning on corrections', async (signal) => {
      const { learner: learn } = requireLearner(this.state);
      const { block: original, spec, dls } = requireData(this.state);
      const block = await withCorrections(original, corrections, this.decode, spec.batch.batchSize);
      learn.replaceData(makeDataLoaders(block, spec, this.preparer));
      try {
        return await this.fitNow(signal, epochs, lr, true);
      } finally {
        learn.replaceData(dls);
      }
    });
  }

  /** Validation loss and metrics now, as fastai's `learn.validate()`. */
  validate(): Promise<{ validLoss: number; metrics: Record<string, number> }> {
    return requireLearner(this.state).learner.evaluate();
  }

  freeze(frozen: boolean): LearnerInfo {
    this.turns.refuse(frozen ? 'freeze' : 'unfreeze');
    const { learner } = requireLearner(this.state);
    if (frozen) learner.freeze();
    else learner.unfreeze();
    this.setFrozen(frozen);
    return learnerInfoOf(this.state);
  }

  /** Stops the running command at its next batch; true when one was running. */
  stop(): boolean {
    return this.turns.stop();
  }

  /** The command running now (`fit`, `LR finder`, ...), or null. */
  get running(): string | null {
    return this.turns.running;
  }

  /**
   * Posts fastai's table row as soon as the recorder has written it, then the weights of that
   * epoch (the page autosaves them, so a reload mid-fit loses at most the running epoch).
   */
  private epochPoster(learn: Learner, startEpoch: number): Callback {
    return {
      name: 'postEpoch',
      order: 60,
      afterEpoch: async () => {
        const row = learn.recorder.epochs.at(-1);
        if (!row) return;
        this.post({ type: 'epoch', ...row, epoch: row.epoch + startEpoch, metrics: { ...row.metrics } });
        // With Adam's moments (not for the fast path's separate head learner): a resumed fit goes on exactly.
        const moments = this.state.kind === 'learner' && learn === this.state.learner ? optimizerFiles({ moments: learn.opt.exportMoments(), epochsRun: learn.epochsRun }) : {};
        this.post({ type: 'autosave', epoch: row.epoch + startEpoch, files: { ...(await this.exportBundle({ teachable: false })), ...moments } });
      },
    };
  }

  /** Records whether the learner's body is frozen (the fast path and the learner cell read it). */
  private setFrozen(frozen: boolean): void {
    this.state = { ...requireLearner(this.state), frozen };
  }

  /** Forgets the image data block and its model: text data replaces them (one data block at a time). */
  clearImageData(): Promise<void> {
    return this.turns.run('data block build', async () => {
      disposeModel(this.state);
      this.state = { kind: 'empty' };
    });
  }

  /** Frees the model (built or imported); the data block stays. */
  private disposeLearner(): void {
    disposeModel(this.state);
    this.state = withoutModel(this.state);
  }
}
