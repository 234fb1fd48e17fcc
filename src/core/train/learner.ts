import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, DataLoaders } from '../data/batch';
import { backendRunsAhead, batchStream } from '../data/prefetch';
import { metricsForTask } from '../metrics/forTask';
import { MetricAccumulator, type Metric } from '../metrics/metric';
import { paramGroups } from '../model/params';
import type { GroupedModel } from '../model/types';
import { CancelFitError, NonFiniteLossError, emit, sortCallbacks, type Callback, type LearnerView, type LoopState } from './callback';
import { lossForTask, type Loss } from './losses';
import { AdamW, disposeSnapshot, type Param } from './optimizer';
import { forward, getPreds, type Preds } from './predict';
import { DivergenceWatch } from './divergence';
import { Recorder } from './recorder';
import { paramScheduler } from './scheduler';
import { lrsForGroups, oneCycleLr, oneCycleMom, type LrSpec, type OneCycleOptions } from './schedules';
import { SmoothLoss, lrFinderCallback, suggestLrs } from './lrFinder';
import type { FitOptions, FitResult, LearnerOptions, LrFindOptions, LrFindResult, Progress } from './types';
import { loadWeightsInto, restoreWeights, saveArtifacts, snapshotWeights, type WeightSnapshot } from './weights';
import { yieldToEventLoop } from './yieldToEventLoop';
import { seedDropouts } from './seededDropout';
import { useFastGradients } from '../model/fastGradients';

export type { FitOptions, FitResult, LearnerOptions, LrFindOptions, LrFindResult, Progress } from './types';

/** The default metrics of the data's task. */
function taskMetrics(dls: DataLoaders): Metric[] {
  return metricsForTask(dls.task, { numClasses: dls.classes.length, voidIndex: dls.voidIndex, height: dls.height, width: dls.width });
}

/** The first `n` batches of each epoch of `loader` (the same ones every epoch for validation). */
function firstBatches(loader: DataLoader, n: number): DataLoader {
  const batchCount = Math.max(1, Math.min(n, loader.batchCount));
  return {
    count: Math.min(loader.count, batchCount * loader.batchSize),
    batchCount,
    batchSize: loader.batchSize,
    async *batches(epoch: number) {
      let i = 0;
      for await (const b of loader.batches(epoch)) {
        if (i++ >= batchCount) {
          tf.dispose([b.x, b.y]);
          break;
        }
        yield b;
      }
    },
  };
}

interface RunOptions extends FitOptions {
  readonly phase: 'train' | 'lrFind';
  /** Stop on divergence as a fit does, in the finder's phase too (a probe must end where its fit would). */
  readonly watchDivergence?: boolean;
}

/**
 * fastai's `Learner`: owns the model, data, loss, metrics and AdamW, and runs one training loop
 * with fastai's events. `fit`, `fitOneCycle`, `lrFind`, `freeze`/`unfreeze`, `predict`,
 * `getPreds`, `save`/`load`.
 * @example const learn = new Learner(dls, smallCnn(2)); await learn.fitOneCycle(3, 1e-2);
 */
export class Learner implements LearnerView {
  readonly loss: Loss;
  metrics: readonly Metric[];
  readonly opt: AdamW;
  readonly recorder = new Recorder();
  readonly state: LoopState = { phase: 'train', epoch: 0, epochs: 0, iter: 0, batchesPerEpoch: 0, trainIter: 0, pctTrain: 0, loss: NaN, smoothLoss: NaN, dataWaitMs: 0, stepMs: 0, validLoss: NaN, metrics: {} };
  lr: number;
  wd: number;
  private readonly params: Param[][];
  private readonly cbs: Callback[];
  private readonly trainBn: boolean;
  private frozenIdx = 0;
  /** True when the metrics are the task defaults, which depend on the data (size, void code). */
  private readonly defaultMetrics: boolean;
  /** Epochs run over all fits (not the LR finder's, which puts the count back); the loader's shuffle and augmentation seed. */
  private epochsSeen = 0;
  /** Make the next batch during a step; unset, only on a GPU backend (see `batchStream`). */
  private readonly prefetch?: boolean;

  constructor(
    readonly dls: DataLoaders,
    readonly grouped: GroupedModel,
    opts: LearnerOptions = {},
  ) {
    this.loss = opts.loss ?? lossForTask(dls.task);
    this.defaultMetrics = !opts.metrics;
    this.metrics = opts.metrics ?? taskMetrics(dls);
    this.lr = opts.lr ?? 1e-3;
    this.wd = opts.wd ?? 0.01;
    this.trainBn = opts.trainBn ?? true;
    this.prefetch = opts.prefetch;
    this.params = paramGroups(grouped);
    // Same values, cheaper gradients (a frozen conv computes no filter gradient).
    useFastGradients(grouped.model.layers);
    this.opt = new AdamW(this.params, { ...opts.opt, lr: this.lr, wd: this.wd });
    this.cbs = [...(opts.callbacks ?? [])];
  }

  /** The model being trained. */
  get model(): tf.LayersModel {
    return this.grouped.model;
  }

  /** How many epochs this learner has run; with `continueFrom`, a reloaded learner draws the same batches next. */
  get epochsRun(): number {
    return this.epochsSeen;
  }

  /** Continues the epoch count of a saved learner, so its next epoch shuffles and augments as the original's would have. */
  continueFrom(epochsRun: number): void {
    this.epochsSeen = epochsRun;
  }

  /**
   * Swaps the data, keeping model, optimizer state and history: lesson 3's progressive resizing
   * (train at 128, then `replaceData` with 256 loaders and fit again).
   */
  replaceData(dls: DataLoaders): void {
    (this as { dls: DataLoaders }).dls = dls;
    // The pixel error scales with the image size, so default metrics follow the new data.
    if (this.defaultMetrics) this.metrics = taskMetrics(dls);
  }

  /** Trains with a constant lr (a `[lo, hi]` slice spreads over the layer groups). */
  async fit(epochs: number, lr: LrSpec = this.lr, opts: FitOptions = {}): Promise<FitResult> {
    this.opt.setHyper('lr', lrsForGroups(lr, this.params.length));
    return this.run(epochs, { ...opts, phase: 'train' });
  }

  /** fastai's `fit_one_cycle`: cosine warm-up to lrMax over 25%, cosine down to lrMax/1e5; momentum 0.95-0.85-0.95. */
  async fitOneCycle(epochs: number, lrMax: LrSpec = this.lr, opts: FitOptions & OneCycleOptions & { readonly startEpoch?: number } = {}): Promise<FitResult> {
    const lrs = lrsForGroups(lrMax, this.params.length);
    // fastai's start_epoch: resume a cycle after `start` finished epochs; pct' = (start + pct * left) / epochs.
    const start = Math.min(Math.max(0, Math.floor(opts.startEpoch ?? 0)), epochs - 1);
    const shift = (f: (pct: number) => number) => (pct: number) => f((start + pct * (epochs - start)) / epochs);
    const sched = paramScheduler({ lr: lrs.map((l) => shift(oneCycleLr(l, opts))), mom: shift(oneCycleMom(opts)) });
    return this.run(epochs - start, { ...opts, phase: 'train', callbacks: [sched, ...(opts.callbacks ?? [])] });
  }

  /**
   * fastai's `lr_find`: exponential lr ramp, then weights, optimizer state and the epoch count are
   * restored exactly, so the fit that follows draws the batches (and dropout masks) it would have
   * drawn without the finder, the ones `autoLr`'s probes drew.
   */
  async lrFind(opts: LrFindOptions = {}): Promise<LrFindResult> {
    const finder = lrFinderCallback(opts);
    const epochs = Math.floor(finder.numIt / this.dls.train.batchCount) + 1;
    const weights = snapshotWeights(this.model);
    const optState = this.opt.snapshot();
    const seen = this.epochsSeen;
    let cancelled: boolean;
    try {
      await this.run(epochs, { phase: 'lrFind', callbacks: [finder], onProgress: opts.onProgress, signal: opts.signal });
      cancelled = opts.signal?.aborted ?? false;
    } finally {
      this.epochsSeen = seen;
      restoreWeights(this.model, weights);
      this.opt.restore(optState);
      tf.dispose(weights);
      disposeSnapshot(optState);
    }
    const { lrs, losses } = finder;
    const enough = losses.filter(Number.isFinite).length >= 2;
    return { lrs, losses, suggestions: enough ? suggestLrs(lrs, losses, finder.numIt) : null, cancelled };
  }

  /**
   * A short one-cycle run at `lr` from the current weights over about `batches` training steps
   * (the first batches of an epoch, repeated when an epoch is shorter), then the validation loss
   * and metrics over the first `validBatches`; weights, optimizer state, epoch count and history
   * are then as before (`autoLr`'s probes). A loss that is not finite reads Infinity, metrics {}.
   */
  async probeLr(
    lr: number,
    opts: { readonly batches: number; readonly validBatches: number; readonly pctStart?: number; readonly signal?: AbortSignal; readonly onProgress?: (p: Progress) => void },
  ): Promise<{ validLoss: number; metrics: Record<string, number> }> {
    const dls = this.dls;
    const weights = snapshotWeights(this.model);
    const optState = this.opt.snapshot();
    const seen = this.epochsSeen;
    const lrs = lrsForGroups(lr, this.params.length);
    const cycle = { pctStart: opts.pctStart };
    const sched = paramScheduler({ lr: lrs.map((l) => oneCycleLr(l, cycle)), mom: oneCycleMom(cycle) });
    try {
      (this as { dls: DataLoaders }).dls = { ...dls, train: firstBatches(dls.train, opts.batches), valid: firstBatches(dls.valid, opts.validBatches) };
      // A small training set is gone through several times, so every probe sees `batches` steps.
      const epochs = Math.max(1, Math.round(opts.batches / this.dls.train.batchCount));
      // The finder's phase: the recorder keeps no row of a probe. The fit's divergence stop
      // applies: on mnist_tiny a probe at 1.0 spiked past 4x its start loss, recovered and
      // scored best, while the fit at 1.0 was stopped there.
      await this.run(epochs, { phase: 'lrFind', callbacks: [sched], signal: opts.signal, onProgress: opts.onProgress, watchDivergence: true });
      if (opts.signal?.aborted) return { validLoss: Infinity, metrics: {} };
      const { validLoss, metrics } = await this.evaluate();
      return Number.isFinite(validLoss) ? { validLoss, metrics } : { validLoss: Infinity, metrics: {} };
    } catch (e) {
      if (e instanceof NonFiniteLossError) return { validLoss: Infinity, metrics: {} };
      throw e;
    } finally {
      (this as { dls: DataLoaders }).dls = dls;
      restoreWeights(this.model, weights);
      this.opt.restore(optState);
      tf.dispose(weights);
      disposeSnapshot(optState);
      this.epochsSeen = seen;
    }
  }

  /** Trains only the last group (the head), plus batch norm everywhere (fastai's `freeze`). */
  freeze(): void {
    this.freezeTo(-1);
  }

  /** Trains every group. */
  unfreeze(): void {
    this.freezeTo(0);
  }

  /** Freezes groups before `n` (negative counts from the end), as fastai's `freeze_to`. */
  freezeTo(n: number): void {
    this.frozenIdx = n >= 0 ? n : this.params.length + n;
  }

  /** Activated predictions for a batch of normalized images; the caller disposes the result. */
  predict(x: tf.Tensor4D): tf.Tensor {
    return tf.tidy(() => this.loss.activation(forward(this.model, x)));
  }

  /** Outputs, targets and per-item losses over a loader (validation by default). */
  getPreds(loader: DataLoader = this.dls.valid): Promise<Preds> {
    return getPreds(this.model, this.loss, loader);
  }

  /** The model in tfjs layers format, in memory. */
  save(): Promise<tf.io.ModelArtifacts> {
    return saveArtifacts(this.model);
  }

  /** Loads weights saved by `save` into this learner's model. */
  load(artifacts: tf.io.ModelArtifacts): void {
    loadWeightsInto(this.model, artifacts);
  }

  /** Frees the optimizer state (the model belongs to the caller). */
  dispose(): void {
    this.opt.dispose();
  }

  /** Validation loss and metrics of the current weights, without training (fastai's `learn.validate()`). */
  async evaluate(): Promise<{ validLoss: number; metrics: Record<string, number> }> {
    await this.validate([], { phase: 'train' });
    return { validLoss: this.state.validLoss, metrics: { ...this.state.metrics } };
  }

  /** Variables that get gradients: unfrozen groups, and batch norm of frozen ones when trainBn. */
  private trainableVariables(): tf.Variable[] {
    return this.params.flatMap((g, i) => g.filter((p) => i >= this.frozenIdx || (this.trainBn && p.isBn))).map((p) => p.variable);
  }

  private async run(epochs: number, opts: RunOptions): Promise<FitResult> {
    const cbs = sortCallbacks([this.recorder, ...this.cbs, ...(opts.callbacks ?? [])]);
    const smooth = new SmoothLoss(0.98);
    const batches = this.dls.train.batchCount;
    Object.assign(this.state, { phase: opts.phase, epochs, batchesPerEpoch: batches, trainIter: 0, pctTrain: 0, epoch: 0, iter: 0 });
    this.opt.setHyper('wd', opts.wd ?? this.wd);
    let good: WeightSnapshot = snapshotWeights(this.model);
    let goodOpt = this.opt.snapshot();
    // The LR finder's ramp is meant to blow up (it has its own stop); a fit is not, nor a probe of one.
    const watch = opts.phase === 'train' || opts.watchDivergence ? new DivergenceWatch() : null;
    let cancelled = false;
    try {
      await emit(cbs, 'beforeFit', this);
      for (let epoch = 0; epoch < epochs; epoch++) {
        this.state.epoch = epoch;
        await emit(cbs, 'beforeEpoch', this);
        await this.trainEpoch(cbs, smooth, opts, watch);
        if (opts.phase === 'train') await this.validate(cbs, opts);
        this.epochsSeen += 1;
        tf.dispose(good);
        disposeSnapshot(goodOpt);
        good = snapshotWeights(this.model);
        goodOpt = this.opt.snapshot();
        if (watch) watch.completedEpoch = epoch;
        await emit(cbs, 'afterEpoch', this);
      }
    } catch (e) {
      if (e instanceof NonFiniteLossError) {
        restoreWeights(this.model, good);
        this.opt.restore(goodOpt);
      }
      if (!(e instanceof CancelFitError)) throw e;
      cancelled = true;
    } finally {
      tf.dispose(good);
      disposeSnapshot(goodOpt);
      await emit(cbs, 'afterFit', this);
    }
    return { cancelled };
  }

  private async trainEpoch(cbs: readonly Callback[], smooth: SmoothLoss, opts: RunOptions, watch: DivergenceWatch | null): Promise<void> {
    const vars = this.trainableVariables();
    const stream = batchStream(this.dls.train.batches(this.epochsSeen));
    const ahead = (this.prefetch ?? backendRunsAhead()) ? () => stream.ahead() : undefined;
    let iter = 0;
    // Data wait: from the end of one step to the arrival of the next batch (issue 6: loading must not starve training).
    let waitFrom = performance.now();
    try {
      for (let batch = await stream.next(); batch; batch = await stream.next()) {
        try {
          this.state.dataWaitMs = performance.now() - waitFrom;
          await this.trainBatch(batch, iter++, vars, cbs, smooth, opts, watch, ahead);
        } finally {
          tf.dispose([batch.x, batch.y]);
          waitFrom = performance.now();
        }
      }
    } finally {
      await stream.close();
    }
  }

  private async trainBatch(batch: Batch, iter: number, vars: tf.Variable[], cbs: readonly Callback[], smooth: SmoothLoss, opts: RunOptions, watch: DivergenceWatch | null, ahead?: () => void): Promise<void> {
    const s = this.state;
    // A real task boundary, so a Stop posted to the worker is read before this batch (see yieldToEventLoop).
    if (opts.signal) await yieldToEventLoop();
    if (opts.signal?.aborted) throw new CancelFitError('stopped by the user');
    s.phase = opts.phase;
    s.iter = iter;
    await emit(cbs, 'beforeBatch', this);
    const stepFrom = performance.now();
    await this.trainStep(batch.x, batch.y, vars, cbs, ahead);
    s.stepMs = performance.now() - stepFrom;
    s.smoothLoss = smooth.add(s.loss);
    s.trainIter += 1;
    s.pctTrain = s.trainIter / (s.epochs * s.batchesPerEpoch);
    await emit(cbs, 'afterBatch', this);
    opts.onProgress?.(this.progress());
    // After the progress, so the chart shows the loss that stopped the fit.
    watch?.check(s.loss, s.smoothLoss, s.epoch, iter);
  }

  /**
   * Forward, loss and gradients in one tape; the update is skipped when the loss is not finite.
   * `whileWaiting` runs once the step's kernels are queued, before its loss is read back.
   */
  private async trainStep(x: tf.Tensor, y: tf.Tensor, vars: tf.Variable[], cbs: readonly Callback[], whileWaiting?: () => void): Promise<void> {
    const unseed = seedDropouts(this.model, this.epochsSeen, this.state.iter);
    const { value, grads } = tf.variableGrads(() => this.loss.mean(this.model.apply(x, { training: true }) as tf.Tensor, y), vars);
    unseed();
    try {
      whileWaiting?.();
      this.state.loss = (await value.data())[0];
      await emit(cbs, 'afterLoss', this);
      if (!Number.isFinite(this.state.loss)) throw new NonFiniteLossError(this.state.epoch, this.state.iter, this.state.loss);
      this.opt.step(grads);
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  private async validate(cbs: readonly Callback[], opts: RunOptions): Promise<void> {
    this.state.phase = 'valid';
    await emit(cbs, 'beforeValidate', this);
    const acc = new MetricAccumulator(this.metrics);
    let lossSum = 0;
    let count = 0;
    for await (const { x, y } of this.dls.valid.batches(0)) {
      try {
        if (opts.signal) await yieldToEventLoop();
        if (opts.signal?.aborted) throw new CancelFitError('stopped by the user');
        const out = forward(this.model, x);
        const batchLoss = tf.tidy(() => this.loss.perItem(out, y).sum());
        lossSum += (await batchLoss.data())[0];
        count += x.shape[0];
        await acc.add(out, y);
        tf.dispose([out, batchLoss]);
      } finally {
        tf.dispose([x, y]);
      }
    }
    this.state.validLoss = count > 0 ? lossSum / count : NaN;
    this.state.metrics = acc.result();
    await emit(cbs, 'afterValidate', this);
    opts.onProgress?.(this.progress());
  }

  private progress(): Progress {
    const s = this.state;
    const lr = this.opt.hypers[this.opt.hypers.length - 1].lr;
    return { phase: s.phase, epoch: s.epoch, epochs: s.epochs, batch: s.iter, batchesPerEpoch: s.batchesPerEpoch, loss: s.loss, smoothLoss: s.smoothLoss, lr, dataWaitMs: s.dataWaitMs, stepMs: s.stepMs };
  }
}
