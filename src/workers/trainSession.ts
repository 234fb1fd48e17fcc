import * as tf from '@tensorflow/tfjs';
import type { DataLoaders } from '../core/data/batch';
import { buildDataBlock, makeDataLoaders, type DataBlock } from '../core/data/block';
import type { DataBlockSpec, ImageDecoder, SourceFile } from '../core/data/types';
import { readBundle, type BundleFiles } from '../core/project/bundle';
import { normalizeBatch } from '../core/transforms/augment';
import { resizeItem } from '../core/transforms/resize';
import { accuracyThresh, fbeta } from '../core/metrics/multiLabel';
import { countParams } from '../core/model/types';
import { chooseBackend, type BackendName } from '../core/tf/backend';
import { NonFiniteLossError, type Callback } from '../core/train/callback';
import { Learner, type Progress } from '../core/train/learner';
import { learnerBundle, learnerManifest } from './bundle';
import { archName, buildModel, startsFrozen } from './models';
import { ProgressThrottle } from './progressThrottle';
import type { DataInfo, FitInfo, PredictInfo, InitResult, LearnerInfo, LearnerSpec, LrFindInfo, WireLr, WorkerEvent } from './protocol';

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
  private abort: AbortController | null = null;

  constructor(
    private readonly decode: ImageDecoder,
    private readonly post: (e: WorkerEvent) => void,
  ) {}

  async init(backends: readonly BackendName[]): Promise<InitResult> {
    const choice = await chooseBackend(backends);
    return { backend: choice.name, reason: choice.reason };
  }

  /** Builds the data block in the worker; a new size keeps the learner (progressive resizing). */
  async setData(spec: DataBlockSpec, files: readonly SourceFile[]): Promise<DataInfo> {
    const block = await buildDataBlock(spec, { files, decode: this.decode });
    if (!block.ok) throw new Error(block.problems.find((p) => p.blocking)?.message ?? 'the data block could not be built');
    this.block = block;
    this.spec = spec;
    this.dls = makeDataLoaders(block, spec);
    if (this.learner) this.learner.replaceData(this.dls);
    return { task: block.task, classes: block.classes, train: block.train.length, valid: block.valid.length, size: spec.transforms.size };
  }

  async buildLearner(spec: LearnerSpec): Promise<LearnerInfo> {
    const dls = this.requireData();
    this.disposeLearner();
    const grouped = await buildModel(spec.arch, dls.task, dls.classes.length, dls.size);
    const metrics = dls.task === 'multi' ? [accuracyThresh({ thresh: spec.thresh }), fbeta({ thresh: spec.thresh, beta: spec.beta })] : undefined;
    this.learner = new Learner(dls, grouped, { wd: spec.wd, metrics });
    this.learnerSpec = spec;
    // A pretrained body starts frozen, as fastai's cnn_learner / unet_learner: train the head first.
    this.frozen = startsFrozen(spec.arch);
    if (this.frozen) this.learner.freeze();
    return this.learnerInfo();
  }

  async lrFind(numIt: number): Promise<LrFindInfo> {
    const learn = this.requireLearner();
    const throttle = new ProgressThrottle((e) => this.post(e));
    const signal = this.startOperation();
    const onProgress = (p: Progress) => throttle.add(where(p), { lr: p.lr, loss: p.loss, smooth: p.smoothLoss });
    try {
      const r = await learn.lrFind({ numIt, signal, onProgress });
      throttle.add({ phase: 'lrFind', epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: numIt }, null, true);
      return { lrs: r.lrs, losses: r.losses, suggestions: r.suggestions, cancelled: r.cancelled };
    } finally {
      this.abort = null;
    }
  }

  async fit(epochs: number, lr: WireLr, oneCycle: boolean): Promise<FitInfo> {
    const learn = this.requireLearner();
    const throttle = new ProgressThrottle((e) => this.post(e));
    const signal = this.startOperation();
    const onProgress = (p: Progress) => throttle.add(where(p), p.phase === 'train' ? { lr: p.lr, loss: p.loss, smooth: p.smoothLoss } : null, p.batch + 1 === p.batchesPerEpoch);
    const lrSpec = typeof lr === 'number' ? lr : ([lr[0], lr[1]] as [number, number]);
    const opts = { signal, onProgress, callbacks: [this.epochPoster(learn)] };
    try {
      const r = oneCycle ? await learn.fitOneCycle(epochs, lrSpec, opts) : await learn.fit(epochs, lrSpec, opts);
      return { cancelled: r.cancelled };
    } catch (e) {
      if (e instanceof NonFiniteLossError) return { cancelled: false, nonFinite: e.message };
      throw e;
    } finally {
      this.abort = null;
    }
  }

  /** The export bundle of the current learner: tfjs model files, studio.json, README, metadata. */
  async exportBundle(): Promise<BundleFiles> {
    const learn = this.requireLearner();
    const dls = this.requireData();
    const manifest = learnerManifest(learn, dls, this.spec!, this.learnerSpec!.arch, this.learnerSpec!.thresh);
    return learnerBundle(learn, manifest);
  }

  /**
   * Predicts one picture the way validation sees it (centre crop or squish at the data block's
   * size, the same normalization): activated outputs, plain numbers.
   */
  async predict(file: SourceFile): Promise<PredictInfo> {
    const learn = this.requireLearner();
    const spec = this.spec!;
    const size = spec.transforms.size;
    const { pixels } = resizeItem(await this.decode(file), size, spec.transforms.resize, null, 'bilinear');
    const out = tf.tidy(() => learn.predict(normalizeBatch(tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [1, size, size, 3]), learn.dls.stats)));
    const values = Array.from(await out.data());
    out.dispose();
    return { task: learn.dls.task, classes: learn.dls.classes, shape: out.shape.slice(1), values };
  }

  /** Loads the weights of an exported bundle into the current learner (same architecture). */
  async loadBundle(files: BundleFiles): Promise<LearnerInfo> {
    const learn = this.requireLearner();
    const read = readBundle(files);
    if ('error' in read) throw new Error(read.error);
    learn.load(read.artifacts);
    return this.learnerInfo();
  }

  /** Validation loss and metrics now, as fastai's `learn.validate()`. */
  validate(): Promise<{ validLoss: number; metrics: Record<string, number> }> {
    return this.requireLearner().evaluate();
  }

  freeze(frozen: boolean): LearnerInfo {
    const learn = this.requireLearner();
    if (frozen) learn.freeze();
    else learn.unfreeze();
    this.frozen = frozen;
    return this.learnerInfo();
  }

  stop(): boolean {
    this.abort?.abort();
    return this.abort !== null;
  }

  /** Posts fastai's table row as soon as the recorder has written it. */
  private epochPoster(learn: Learner): Callback {
    return {
      name: 'postEpoch',
      order: 60,
      afterEpoch: () => {
        const row = learn.recorder.epochs.at(-1);
        if (row) this.post({ type: 'epoch', ...row, metrics: { ...row.metrics } });
      },
    };
  }

  private learnerInfo(): LearnerInfo {
    const learn = this.requireLearner();
    const groups = learn.grouped.layerGroups.map((layers, i, all) => ({
      name: i === all.length - 1 ? 'head' : `body ${i + 1}`,
      // Trainable scalars only (batch-norm running statistics are not parameters).
      params: layers.reduce((n, l) => n + l.trainableWeights.reduce((m, w) => m + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0), 0),
      frozen: this.frozen && i < all.length - 1,
    }));
    return { task: learn.dls.task, arch: archName(this.learnerSpec!.arch), groups, totalParams: countParams(learn.model) };
  }

  private startOperation(): AbortSignal {
    if (this.abort) throw new Error('Another run is in progress; stop it first');
    this.abort = new AbortController();
    return this.abort.signal;
  }

  private requireData(): DataLoaders {
    if (!this.dls || !this.block || !this.spec) throw new Error('Build the data block first');
    return this.dls;
  }

  private requireLearner(): Learner {
    if (!this.learner) throw new Error('Build the learner first');
    return this.learner;
  }

  private disposeLearner(): void {
    if (!this.learner) return;
    this.learner.dispose();
    this.learner.model.dispose();
    this.learner = null;
  }
}

function where(p: Progress) {
  return { phase: p.phase, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batchesPerEpoch: p.batchesPerEpoch };
}
