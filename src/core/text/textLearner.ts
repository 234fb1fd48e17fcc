/**
 * A learner for the text models, as fastai's `TextLearner`: the image `Learner`'s loop and
 * events over a `TextModel` and `TextLoader`s. It reuses the studio's AdamW, one-cycle and LR
 * finder schedules, `Recorder`, callbacks and LR suggestions; it is its own class because the
 * image `Learner` is built on a `tf.LayersModel` (its `apply`, weights I/O and layer groups) and
 * on image `DataLoaders` (task, size, statistics), none of which an AWD-LSTM on plain variables has.
 */
import * as tf from '@tensorflow/tfjs';
import { accuracy } from '../metrics/classification';
import { accuracyThresh } from '../metrics/multiLabel';
import { MetricAccumulator, type Metric } from '../metrics/metric';
import { CancelFitError, NonFiniteLossError, emit, sortCallbacks, type Callback, type LearnerView, type LoopState } from '../train/callback';
import { DivergenceWatch } from '../train/divergence';
import type { Loss } from '../train/losses';
import { AdamW, disposeSnapshot, type Param } from '../train/optimizer';
import { Recorder } from '../train/recorder';
import { paramScheduler } from '../train/scheduler';
import { lrsForGroups, oneCycleLr, oneCycleMom, type LrSpec, type OneCycleOptions } from '../train/schedules';
import { SmoothLoss, lrFinderCallback, suggestLrs } from '../train/lrFinder';
import type { FitOptions, FitResult, LrFindOptions, LrFindResult } from '../train/types';
import { yieldToEventLoop } from '../train/yieldToEventLoop';
import type { TextBatch, TextLoader } from './loaders';
import type { TextModel } from './models';
import { sparseCrossEntropy } from './loss';
import { perplexity } from './metrics';

/** Training and validation batches of one text task. */
export interface TextLoaders {
  readonly train: TextLoader;
  readonly valid: TextLoader;
}

/** Options of a `TextLearner`; defaults follow fastai's text learners. */
export interface TextLearnerOptions {
  /** Default: accuracy and perplexity for a language model, accuracy for a classifier (accuracy_thresh at 0.2 with a sigmoid loss). */
  readonly metrics?: readonly Metric[];
  /** Default: cross-entropy on token or class ids; a multi-label classifier takes `bceWithLogitsFlat()`. */
  readonly loss?: Loss;
  readonly lr?: number;
  readonly wd?: number;
  readonly callbacks?: readonly Callback[];
  /** Clip the gradients' global norm to this (fastai's `GradientClip`); none by default. */
  readonly clip?: number;
  /** One-cycle momentums; fastai's `TextLearner` uses (0.8, 0.7, 0.8). */
  readonly moms?: readonly [number, number, number];
}

/** Scales gradients so that their global L2 norm is at most `maxNorm`: g * min(1, maxNorm / ||g||). */
export function clipGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): Record<string, tf.Tensor> {
  const scale = tf.tidy(() => {
    const sq = Object.values(grads).map((g) => g.square().sum());
    return tf.minimum(1, tf.scalar(maxNorm).div(tf.addN(sq).sqrt().add(1e-6)));
  });
  const out = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.mul(scale)]));
  tf.dispose([scale, ...Object.values(grads)]);
  return out;
}

/**
 * Trains a language model or a text classifier with fastai's loop: `fit`, `fitOneCycle`,
 * `lrFind`, `freezeTo` (ULMFiT's gradual unfreezing), `evaluate`.
 * @example const learn = new TextLearner(new LanguageModel({ vocabSize }), { train, valid }, { isLm: true }); await learn.fitOneCycle(1, 2e-2);
 */
export class TextLearner implements LearnerView {
  readonly loss: Loss;
  readonly metrics: readonly Metric[];
  readonly opt: AdamW;
  readonly recorder = new Recorder();
  readonly state: LoopState = { phase: 'train', epoch: 0, epochs: 0, iter: 0, batchesPerEpoch: 0, trainIter: 0, pctTrain: 0, loss: NaN, smoothLoss: NaN, dataWaitMs: 0, stepMs: 0, validLoss: NaN, metrics: {} };
  lr: number;
  wd: number;
  private readonly params: Param[][];
  private readonly cbs: Callback[];
  private readonly clip?: number;
  private readonly moms: readonly [number, number, number];
  private frozenIdx = 0;
  private epochsSeen = 0;

  constructor(
    readonly model: TextModel,
    readonly dls: TextLoaders,
    opts: TextLearnerOptions & { readonly isLm?: boolean } = {},
  ) {
    this.loss = opts.loss ?? sparseCrossEntropy();
    // Tags (a sigmoid loss) are scored per (text, tag) pair: class accuracy has no meaning there.
    const tags = this.loss.name === 'bce_with_logits';
    this.metrics = opts.metrics ?? (opts.isLm ? [accuracy(), perplexity()] : [tags ? accuracyThresh({ thresh: 0.2 }) : accuracy()]);
    this.lr = opts.lr ?? 1e-3;
    this.wd = opts.wd ?? 0.01;
    this.clip = opts.clip;
    this.moms = opts.moms ?? [0.8, 0.7, 0.8];
    this.params = model.paramGroups();
    this.opt = new AdamW(this.params, { lr: this.lr, wd: this.wd });
    this.cbs = [...(opts.callbacks ?? [])];
  }

  /** Number of layer groups (the classifier: embedding, each LSTM, head). */
  get groupCount(): number {
    return this.params.length;
  }

  /** Trains with a constant lr (a `[lo, hi]` slice spreads over the layer groups). */
  async fit(epochs: number, lr: LrSpec = this.lr, opts: FitOptions = {}): Promise<FitResult> {
    this.opt.setHyper('lr', lrsForGroups(lr, this.params.length));
    return this.run(epochs, 'train', opts);
  }

  /** fastai's `fit_one_cycle`, with the text learner's momentums (0.8, 0.7, 0.8) by default. */
  async fitOneCycle(epochs: number, lrMax: LrSpec = this.lr, opts: FitOptions & OneCycleOptions = {}): Promise<FitResult> {
    const cycle = { ...opts, moms: opts.moms ?? this.moms };
    const lrs = lrsForGroups(lrMax, this.params.length);
    const sched = paramScheduler({ lr: lrs.map((l) => oneCycleLr(l, cycle)), mom: oneCycleMom(cycle) });
    return this.run(epochs, 'train', { ...opts, callbacks: [sched, ...(opts.callbacks ?? [])] });
  }

  /** fastai's `lr_find`; weights and optimizer state are put back afterwards. */
  async lrFind(opts: LrFindOptions = {}): Promise<LrFindResult> {
    const finder = lrFinderCallback(opts);
    const epochs = Math.floor(finder.numIt / this.dls.train.batchCount) + 1;
    const weights = this.snapshot();
    const optState = this.opt.snapshot();
    try {
      await this.run(epochs, 'lrFind', { callbacks: [finder], onProgress: opts.onProgress, signal: opts.signal });
    } finally {
      this.restore(weights);
      this.opt.restore(optState);
      disposeSnapshot(optState);
    }
    const { lrs, losses } = finder;
    const enough = losses.filter(Number.isFinite).length >= 2;
    return { lrs, losses, suggestions: enough ? suggestLrs(lrs, losses, finder.numIt) : null, cancelled: opts.signal?.aborted ?? false };
  }

  /** Trains only groups from `n` on (negative counts from the end), as fastai's `freeze_to`; batch norm keeps training. */
  freezeTo(n: number): void {
    this.frozenIdx = n >= 0 ? n : Math.max(0, this.params.length + n);
  }

  /** Trains only the head (the last group). */
  freeze(): void {
    this.freezeTo(-1);
  }

  /** Trains every group. */
  unfreeze(): void {
    this.freezeTo(0);
  }

  /** Validation loss (mean per token or per item) and metrics of the current weights. */
  async evaluate(): Promise<{ validLoss: number; metrics: Record<string, number> }> {
    await this.validate([], {});
    return { validLoss: this.state.validLoss, metrics: { ...this.state.metrics } };
  }

  /** Probabilities (the loss's activation: softmax, or sigmoid for tags) for int32 `[B, T]` ids, in inference mode; the caller disposes the result. */
  predict(ids: tf.Tensor2D): tf.Tensor {
    this.model.reset();
    return tf.tidy(() => this.loss.activation(this.model.forward(ids, false).logits));
  }

  /**
   * The classifier's probabilities, targets and per-item losses over a loader (validation by
   * default), in item order: the sorted batches are put back by their `indices` (what the
   * confusion matrix and top losses need). Targets are class ids `[N]`, or multi-hot `[N, C]` for
   * tags. The caller disposes `probs` and `targets`.
   */
  async getPreds(loader: TextLoader = this.dls.valid): Promise<{ probs: tf.Tensor2D; targets: tf.Tensor; losses: Float32Array }> {
    const rows: { index: number; probs: Float32Array; target: Float32Array; loss: number }[] = [];
    let classes = 0;
    let targetShape: number[] = [0];
    for await (const { x, y, indices } of loader.batches(0)) {
      const [p, l] = tf.tidy(() => {
        const logits = this.model.forward(x, false).logits;
        return [this.loss.activation(logits), this.loss.perItem(logits, y)];
      });
      const [pv, lv, yv] = await Promise.all([p.data(), l.data(), y.data()]);
      classes = p.shape[1] ?? 0;
      const width = y.rank > 1 ? (y.shape[1] as number) : 1;
      targetShape = y.rank > 1 ? [0, width] : [0];
      indices.forEach((index, i) => rows.push({ index, probs: Float32Array.from(pv.subarray(i * classes, (i + 1) * classes)), target: Float32Array.from(yv.subarray(i * width, (i + 1) * width)), loss: lv[i] }));
      tf.dispose([x, y, p, l]);
    }
    rows.sort((a, b) => a.index - b.index);
    const flat = new Float32Array(rows.length * classes);
    rows.forEach((r, i) => flat.set(r.probs, i * classes));
    const targets = Float32Array.from(rows.flatMap((r) => Array.from(r.target)));
    const shape = [rows.length, ...targetShape.slice(1)];
    return {
      probs: tf.tensor2d(flat, [rows.length, classes]),
      targets: targetShape.length > 1 ? tf.tensor(targets, shape, 'float32') : tf.tensor1d(Int32Array.from(targets), 'int32'),
      losses: Float32Array.from(rows, (r) => r.loss),
    };
  }

  /** Frees the optimizer state (the model belongs to the caller). */
  dispose(): void {
    this.opt.dispose();
  }

  private snapshot(): tf.Tensor[] {
    return this.model.variables().map((v) => v.clone());
  }

  /** Puts weights back and frees the snapshot. */
  private restore(snap: tf.Tensor[]): void {
    this.model.variables().forEach((v, i) => v.assign(snap[i]));
    tf.dispose(snap);
  }

  private trainableVariables(): tf.Variable[] {
    return this.params.flatMap((g, i) => g.filter((p) => i >= this.frozenIdx || p.isBn)).map((p) => p.variable);
  }

  private async run(epochs: number, phase: 'train' | 'lrFind', opts: FitOptions): Promise<FitResult> {
    const cbs = sortCallbacks([this.recorder, ...this.cbs, ...(opts.callbacks ?? [])]);
    const smooth = new SmoothLoss(0.98);
    Object.assign(this.state, { phase, epochs, batchesPerEpoch: this.dls.train.batchCount, trainIter: 0, pctTrain: 0, epoch: 0, iter: 0 });
    this.opt.setHyper('wd', opts.wd ?? this.wd);
    let good = this.snapshot();
    let goodOpt = this.opt.snapshot();
    const watch = phase === 'train' ? new DivergenceWatch() : null;
    let cancelled = false;
    try {
      await emit(cbs, 'beforeFit', this);
      for (let epoch = 0; epoch < epochs; epoch++) {
        this.state.epoch = epoch;
        await emit(cbs, 'beforeEpoch', this);
        await this.trainEpoch(cbs, smooth, phase, opts, watch);
        if (phase === 'train') await this.validate(cbs, opts);
        this.epochsSeen += 1;
        tf.dispose(good);
        disposeSnapshot(goodOpt);
        good = this.snapshot();
        goodOpt = this.opt.snapshot();
        if (watch) watch.completedEpoch = epoch;
        await emit(cbs, 'afterEpoch', this);
      }
    } catch (e) {
      if (e instanceof NonFiniteLossError) {
        this.restore(good);
        good = [];
        this.opt.restore(goodOpt);
      }
      if (!(e instanceof CancelFitError)) throw e;
      cancelled = true;
    } finally {
      tf.dispose(good);
      disposeSnapshot(goodOpt);
      this.model.reset();
      await emit(cbs, 'afterFit', this);
    }
    return { cancelled };
  }

  private async trainEpoch(cbs: readonly Callback[], smooth: SmoothLoss, phase: 'train' | 'lrFind', opts: FitOptions, watch: DivergenceWatch | null): Promise<void> {
    const vars = this.trainableVariables();
    const s = this.state;
    this.model.reset();
    let iter = 0;
    for await (const batch of this.dls.train.batches(this.epochsSeen)) {
      try {
        if (opts.signal) await yieldToEventLoop();
        if (opts.signal?.aborted) throw new CancelFitError('stopped by the user');
        s.phase = phase;
        s.iter = iter++;
        await emit(cbs, 'beforeBatch', this);
        const from = performance.now();
        await this.trainStep(batch, vars, cbs);
        s.stepMs = performance.now() - from;
        s.smoothLoss = smooth.add(s.loss);
        s.trainIter += 1;
        s.pctTrain = s.trainIter / (s.epochs * s.batchesPerEpoch);
        await emit(cbs, 'afterBatch', this);
        opts.onProgress?.({
          phase: s.phase,
          epoch: s.epoch,
          epochs: s.epochs,
          batch: s.iter,
          batchesPerEpoch: s.batchesPerEpoch,
          loss: s.loss,
          smoothLoss: s.smoothLoss,
          lr: this.opt.hypers[this.opt.hypers.length - 1].lr,
          dataWaitMs: 0,
          stepMs: s.stepMs,
        });
        watch?.check(s.loss, s.smoothLoss, s.epoch, s.iter);
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
    }
  }

  /** Forward, loss (+ AR/TAR) and gradients in one tape; the recorded loss is the cross-entropy alone. */
  private async trainStep(batch: TextBatch, vars: tf.Variable[], cbs: readonly Callback[]): Promise<void> {
    const kept: { ce?: tf.Scalar } = {};
    const { value, grads } = tf.variableGrads(() => {
      const { logits, penalty } = this.model.forward(batch.x, true);
      const ce = tf.keep(this.loss.mean(logits, batch.y));
      kept.ce = ce;
      return penalty ? ce.add(penalty) : ce.clone();
    }, vars);
    const ce = kept.ce as tf.Scalar;
    const clipped = this.clip ? clipGlobalNorm(grads, this.clip) : grads;
    try {
      this.state.loss = (await ce.data())[0];
      await emit(cbs, 'afterLoss', this);
      if (!Number.isFinite(this.state.loss)) throw new NonFiniteLossError(this.state.epoch, this.state.iter, this.state.loss);
      this.opt.step(clipped);
    } finally {
      tf.dispose([value, ce, ...Object.values(clipped)]);
    }
  }

  private async validate(cbs: readonly Callback[], opts: FitOptions): Promise<void> {
    this.state.phase = 'valid';
    await emit(cbs, 'beforeValidate', this);
    this.model.reset();
    const acc = new MetricAccumulator(this.metrics);
    let lossSum = 0;
    let count = 0;
    for await (const { x, y } of this.dls.valid.batches(0)) {
      try {
        if (opts.signal) await yieldToEventLoop();
        if (opts.signal?.aborted) throw new CancelFitError('stopped by the user');
        const logits = tf.tidy(() => this.model.forward(x, false).logits);
        // Mean over every target (token or item): perItem averages a row's tokens, so weight rows by their length.
        const batchLoss = tf.tidy(() =>
          this.loss
            .perItem(logits, y)
            .sum()
            .mul(y.size / y.shape[0]),
        );
        lossSum += (await batchLoss.data())[0];
        count += y.size;
        await acc.add(logits, y);
        tf.dispose([logits, batchLoss]);
      } finally {
        tf.dispose([x, y]);
      }
    }
    this.model.reset();
    this.state.validLoss = count > 0 ? lossSum / count : NaN;
    this.state.metrics = acc.result();
    await emit(cbs, 'afterValidate', this);
  }
}
