import { decoderWithPixels, type DecodedPixels } from '../core/data/decode';
import { fastHeadLearner, type FastHead } from '../core/train/fastHead';
import * as tf from '@tensorflow/tfjs';
import { sidesOf } from '../core/data/sizeSpec';
import type { DataLoaders } from '../core/data/batch';
import { buildDataBlock, makeDataLoaders, plainTrainLoader, type DataBlock } from '../core/data/block';
import type { DataBlockSpec, ImageDecoder, SourceFile } from '../core/data/types';
import { readBundle, type BundleFiles } from '../core/project/bundle';
import type { StudioManifest } from '../core/project/manifest';
import { optimizerFiles, readOptimizerFiles, type TrainingState } from '../core/project/optimizerFiles';
import { groupsFromNames, type GroupedModel } from '../core/model/types';
import { chooseBackend, type BackendName } from '../core/tf/backend';
import { CancelFitError, NonFiniteLossError, type Callback } from '../core/train/callback';
import { fineTune } from '../core/train/fineTune';
import { autoLr } from '../core/train/autoLr';
import { Learner, type FitOptions, type FitResult, type Progress } from '../core/train/learner';
import type { LrSpec, OneCycleOptions } from '../core/train/schedules';
import { chooseByProbe } from './backendProbe';
import { archFromDescription, learnerBundle, learnerManifest, type ExportOptions } from '../core/project/learnerBundle';
import { withCorrections, type Correction } from '../core/data/corrections';
import { buildModel, startsFrozen } from '../core/model/build';
import { backboneLoader } from '../io/backbone';
import { gradCamSplit } from '../core/interpret/gradCam';
import { predictPicture, type PictureView } from '../core/train/predictPicture';
import { ProgressThrottle } from './progressThrottle';
import { TextSession } from './textSession';
import { OneAtATime, describeLearner, multiLabelMetrics, sameOutputs, where } from './sessionParts';
import type { DataInfo, FitInfo, ImportInfo, PredictInfo, InitResult, LearnerInfo, LearnerSpec, LrFindInfo, WorkerEvent } from './protocol';
import { collectResults } from '../core/interpret/collectResults';
import type { ResultsInfo } from '../core/interpret/resultsInfo';

/**
 * Everything the training worker does, without the worker: tests drive it directly in Node,
 * and `train.worker.ts` only forwards messages to it. One operation runs at a time; `stop`
 * aborts it and the learner keeps what it learned.
 */
export class TrainSession {
  private block: DataBlock | null = null;
  private spec: DataBlockSpec | null = null;
  private dls: DataLoaders | null = null;
  private learner: Learner | null = null;
  private learnerSpec: LearnerSpec | null = null;
  private frozen = false;
  /** Commands that change the data or the learner run one at a time; the others are refused with a message. */
  private readonly turns = new OneAtATime();
  /** The text task (tokenized texts, AWD-LSTM learners); it takes turns with the image commands. */
  readonly text = new TextSession(this.turns, (e) => this.post(e));
  /** A model loaded from a bundle before (or without) data: it predicts, and becomes the learner's once matching data arrives. */
  private imported: { readonly grouped: GroupedModel; readonly manifest: StudioManifest } | null = null;
  /** Adam's moments and the epoch count from an autosaved bundle, for the learner made from it (once its data is back). */
  private importedState: TrainingState | null = null;

  constructor(
    private readonly decode: ImageDecoder,
    private readonly post: (e: WorkerEvent) => void,
  ) {}

  /**
   * Starts a backend: with `probe`, the fastest at one training step among `backends` (measured,
   * timings returned); without, the first of `backends` that starts (the person's choice first).
   */
  async init(backends: readonly BackendName[], probe = false): Promise<InitResult> {
    if (probe) {
      const { pick, results } = await chooseByProbe(backends);
      return { backend: pick.name, reason: pick.reason, timings: results };
    }
    const choice = await chooseBackend(backends);
    return { backend: choice.name, reason: choice.reason };
  }

  /**
   * Builds the data block in the worker; a new size keeps the learner (progressive resizing).
   * `pixels` are the page's decoded pictures of the same block: reused, not decoded again.
   */
  setData(spec: DataBlockSpec, files: readonly SourceFile[], pixels?: DecodedPixels): Promise<DataInfo> {
    return this.turns.run('data block build', async () => {
      const decode = pixels ? decoderWithPixels(pixels, this.decode) : this.decode;
      const block = await buildDataBlock(spec, { files, decode });
      if (!block.ok) throw new Error(block.problems.find((p) => p.blocking)?.message ?? 'the data block could not be built');
      this.block = block;
      this.spec = spec;
      this.dls = makeDataLoaders(block, spec);
      if (this.learner) this.learner.replaceData(this.dls);
      else if (this.imported && sameOutputs(this.imported.manifest, block.task, block.classes)) this.learner = this.makeLearner(this.imported.grouped);
      return { task: block.task, classes: block.classes, train: block.train.length, valid: block.valid.length, size: spec.transforms.size };
    });
  }

  buildLearner(spec: LearnerSpec): Promise<LearnerInfo> {
    return this.turns.run('learner build', async () => {
      const dls = this.requireData();
      this.disposeLearner();
      const grouped = await buildModel(spec.arch, dls.task, dls.classes.length, dls, backboneLoader);
      this.learnerSpec = spec;
      this.learner = this.makeLearner(grouped);
      // A pretrained body starts frozen, as fastai's cnn_learner / unet_learner: train the head first.
      this.frozen = startsFrozen(spec.arch);
      if (this.frozen) this.learner.freeze();
      return this.learnerInfo();
    });
  }

  /**
   * fastai's `lr_find`; with `fastHead` (frozen body), on the head over cached features, which is
   * what that fit trains. `auto` probes each candidate with the coming `epochs`-epoch fit (at
   * most 100 steps of it).
   */
  lrFind(numIt: number, fastHead = false, epochs?: number): Promise<LrFindInfo> {
    return this.turns.run('LR finder', (signal) => {
      const learn = this.requireLearner();
      const throttle = new ProgressThrottle((e) => this.post(e));
      const onProgress = (p: Progress) => throttle.add(where(p), { lr: p.lr, loss: p.loss, smooth: p.smoothLoss });
      return this.onRunner(learn, fastHead && this.frozen, async (runner) => {
        const r = await runner.lrFind({ numIt, signal, onProgress });
        // Probe runs of the candidates decide the studio's suggestion (their progress is not the curve's).
        const auto = r.suggestions && !r.cancelled ? await autoLr(runner, r.suggestions, { signal, epochs }) : null;
        throttle.add({ phase: 'lrFind', epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: numIt }, null, true);
        const info = { lrs: r.lrs, losses: r.losses, suggestions: r.suggestions, cancelled: r.cancelled || (signal.aborted ?? false) };
        return auto && !signal.aborted ? { ...info, auto: { lr: auto.lr, name: auto.name, reason: auto.reason } } : info;
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
    const learn = this.requireLearner();
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
    const learn = this.requireLearner();
    // fineTune freezes first; the fast path checks this flag when the frozen phase starts.
    this.frozen = true;
    const info = await this.training(async (onProgress) => {
      const frozenFit = (n: number, lr: number, opts: FitOptions & OneCycleOptions) =>
        this.onRunner(learn, fastHead, (runner) => runner.fitOneCycle(n, lr, { ...opts, callbacks: [this.epochPoster(runner, 0)] }));
      const unfrozenPoster = this.epochPoster(learn, freezeEpochs);
      return fineTune(learn, epochs, baseLr, { signal, onProgress, freezeEpochs, unfrozenBaseLr, frozenFit, callbacks: [unfrozenPoster], onUnfreeze: () => (this.frozen = false) });
    });
    return { ...info, learner: this.learnerInfo() };
  }

  /** Runs a fit with throttled progress; a NaN or diverging loss ends it with the last good weights. */
  private async training(run: (onProgress: (p: Progress) => void) => Promise<FitResult>): Promise<FitInfo> {
    const throttle = new ProgressThrottle((e) => this.post(e));
    const onProgress = (p: Progress) => throttle.add(where(p), p.phase === 'train' ? { lr: p.lr, loss: p.loss, smooth: p.smoothLoss, dataWaitMs: p.dataWaitMs, stepMs: p.stepMs } : null, p.batch + 1 === p.batchesPerEpoch);
    try {
      const r = await run(onProgress);
      throttle.flush();
      const skipped = this.block!.pixels.failures.map((p) => p.message);
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
    if (!this.frozen) throw new Error('The fast path trains the head on cached body features: freeze the body first');
    this.requireData();
    // The training pictures as validation sees them: centre crop, no augmentation, the same every epoch.
    const fast = await fastHeadLearner(learn, plainTrainLoader(this.block!, this.spec!), signal);
    if (!fast) throw new Error('This model\'s head reads more than one body tensor (a U-Net decoder), so it cannot train on cached features');
    return fast;
  }

  /** The export bundle of the current learner: tfjs model files, studio.json, README, metadata. */
  async exportBundle(opts: ExportOptions = {}): Promise<BundleFiles> {
    const learn = this.requireLearner();
    const dls = this.requireData();
    const manifest = learnerManifest(learn, dls, this.spec!, this.learnerSpec!.arch, this.learnerSpec!.thresh);
    return learnerBundle(learn, manifest, opts);
  }

  /** Predicts one picture the way validation sees it: activated outputs, plain numbers. */
  async predict(file: SourceFile): Promise<PredictInfo> {
    const { model, view } = this.predictor();
    const grouped = this.learner?.grouped ?? this.imported?.grouped;
    return predictPicture(model, view, await this.decode(file), grouped ? gradCamSplit(grouped) : null);
  }

  /** Loads the weights of an exported bundle or checkpoint into the current learner (same architecture). */
  loadBundle(files: BundleFiles): Promise<LearnerInfo> {
    return this.turns.run('weights load', async () => {
      const learn = this.requireLearner();
      const read = readBundle(files);
      if ('error' in read) throw new Error(read.error);
      learn.load(read.artifacts);
      return this.learnerInfo();
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
    this.imported = { grouped: groupsFromNames(model, manifest.layerGroups), manifest };
    this.importedState = readOptimizerFiles(files);
    this.learnerSpec = { arch: archFromDescription(manifest.arch), wd: this.learnerSpec?.wd ?? 0.01, thresh: manifest.threshold ?? 0.2, beta: this.learnerSpec?.beta ?? 2 };
    this.frozen = false;
    if (this.dls && sameOutputs(manifest, this.dls.task, this.dls.classes)) this.learner = this.makeLearner(this.imported.grouped);
    return { learner: this.learnerInfo(), manifest, learnerSpec: this.learnerSpec, attached: this.learner !== null };
  }

  /** fastai's `Interpretation.from_learner`: every validation prediction, target and loss. */
  async results(): Promise<ResultsInfo> {
    const learn = this.requireLearner();
    return collectResults(learn, this.block!, this.spec!, this.learnerSpec!.thresh);
  }

  /** A new multi-label threshold: the metrics (now and in later epochs and exports) use it. */
  setThreshold(thresh: number): Promise<Record<string, number>> {
    return this.turns.run('threshold change', async () => {
      const learn = this.requireLearner();
      this.learnerSpec = { ...this.learnerSpec!, thresh };
      if (learn.dls.task === 'multi') learn.metrics = multiLabelMetrics(this.learnerSpec);
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
      const learn = this.requireLearner();
      const dls = this.requireData();
      const block = await withCorrections(this.block!, corrections, this.decode, this.spec!.batch.batchSize);
      learn.replaceData(makeDataLoaders(block, this.spec!));
      try {
        return await this.fitNow(signal, epochs, lr, true);
      } finally {
        learn.replaceData(dls);
      }
    });
  }

  /** Validation loss and metrics now, as fastai's `learn.validate()`. */
  validate(): Promise<{ validLoss: number; metrics: Record<string, number> }> {
    return this.requireLearner().evaluate();
  }

  freeze(frozen: boolean): LearnerInfo {
    this.turns.refuse(frozen ? 'freeze' : 'unfreeze');
    const learn = this.requireLearner();
    if (frozen) learn.freeze();
    else learn.unfreeze();
    this.frozen = frozen;
    return this.learnerInfo();
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
        const moments = learn === this.learner ? optimizerFiles({ moments: learn.opt.exportMoments(), epochsRun: learn.epochsRun }) : {};
        this.post({ type: 'autosave', epoch: row.epoch + startEpoch, files: { ...(await this.exportBundle({ teachable: false })), ...moments } });
      },
    };
  }

  private makeLearner(grouped: GroupedModel): Learner {
    const spec = this.learnerSpec!;
    const dls = this.requireData();
    const learner = new Learner(dls, grouped, { wd: spec.wd, metrics: dls.task === 'multi' ? multiLabelMetrics(spec) : undefined });
    if (this.imported?.grouped === grouped && this.importedState) {
      try {
        learner.opt.importMoments(this.importedState.moments);
        learner.continueFrom(this.importedState.epochsRun);
      } catch {
        // Moments of another architecture: the fit starts them afresh, as a new optimizer would.
      }
      this.importedState = null;
    }
    return learner;
  }

  /** The model that predicts now (the learner's, else an imported one) and how it takes pictures. */
  private predictor(): { model: tf.LayersModel; view: PictureView } {
    if (this.learner && this.spec) {
      const dls = this.learner.dls;
      return { model: this.learner.model, view: { task: dls.task, classes: dls.classes, height: dls.height, width: dls.width, stats: dls.stats, resize: this.spec.transforms.resize } };
    }
    if (this.imported) {
      const m = this.imported.manifest;
      return { model: this.imported.grouped.model, view: { task: m.task, classes: m.classes, ...sidesOf(m.inputSize), stats: m.normalize, resize: m.spec.transforms.resize } };
    }
    throw new Error('Build the learner or import a model first');
  }

  private learnerInfo(): LearnerInfo {
    const grouped = this.learner?.grouped ?? this.imported?.grouped;
    const task = this.learner?.dls.task ?? this.imported?.manifest.task;
    if (!grouped || !task) throw new Error('Build the learner first');
    return describeLearner(grouped, task, this.learnerSpec!.arch, this.frozen);
  }

  private requireData(): DataLoaders {
    if (!this.dls || !this.block || !this.spec) throw new Error('Build the data block first');
    return this.dls;
  }

  private requireLearner(): Learner {
    if (this.learner) return this.learner;
    if (this.imported && !this.dls) throw new Error('The imported model needs its data to train or interpret: choose the folder again');
    if (this.imported) throw new Error(`The imported model predicts ${this.imported.manifest.task} (${this.imported.manifest.classes.length} classes) but this data block does not match: build a new learner`);
    throw new Error('Build the learner first');
  }

  private disposeLearner(): void {
    const model = this.learner?.model ?? this.imported?.grouped.model;
    this.learner?.dispose();
    model?.dispose();
    this.learner = null;
    this.imported = null;
  }
}
