/**
 * The classifier's head, as fastai's `PoolingLinearClassifier` (text/models/core.py): concat
 * pooling of the encoder's output, then `LinBnDrop` blocks (batch norm, dropout, linear, ReLU
 * except after the last).
 */
import * as tf from '@tensorflow/tfjs';
import type { Param } from '../train/optimizer';
import { maybeDrop, type SeedStream } from './embedding';
import { matMul2d } from './matMul';

/**
 * fastai's `masked_concat_pool`: `[last, max, mean]` over the time steps that are not padding,
 * `[B, 3E]` from `[B, T, E]` outputs and int32 `[B, T]` ids. "Last" is the output at the last
 * non-pad step of each row (the final step when padding is in front).
 */
export function concatPool(out: tf.Tensor3D, ids: tf.Tensor2D, padIdx: number): tf.Tensor2D {
  const steps = out.shape[1];
  const mask = ids.notEqual(padIdx).toFloat(); // [B, T]
  const mask3 = mask.expandDims(2);
  // The last real step: argmax of mask * (t + 1) picks the largest t that is not padding.
  const lastIdx = mask.mul(tf.range(1, steps + 1)).argMax(1);
  const last = out.mul(tf.oneHot(lastIdx, steps).toFloat().expandDims(2)).sum(1);
  const max = out.add(mask3.sub(1).mul(1e9)).max(1);
  const mean = out.mul(mask3).sum(1).div(mask.sum(1, true).maximum(1));
  return tf.concat([last, max, mean], 1) as tf.Tensor2D;
}

/** A 1-D batch norm (PyTorch's `BatchNorm1d`: momentum 0.1, eps 1e-5) on plain variables. */
export class BatchNorm1d {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  /** Training batches seen: the first ones are averaged evenly (see `apply`). */
  private updates = 0;

  constructor(
    readonly size: number,
    name: string,
  ) {
    this.gamma = tf.variable(tf.ones([size]), true, `${name}/gamma`);
    this.beta = tf.variable(tf.zeros([size]), true, `${name}/beta`);
    this.runningMean = tf.variable(tf.zeros([size]), false, `${name}/moving_mean`);
    this.runningVar = tf.variable(tf.ones([size]), false, `${name}/moving_variance`);
  }

  /** Normalises with the batch's statistics in training (updating the running ones), else the running ones. */
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const eps = 1e-5;
    if (!training || x.shape[0] < 2) return x.sub(this.runningMean).div(this.runningVar.add(eps).sqrt()).mul(this.gamma).add(this.beta);
    const { mean, variance } = tf.moments(x, 0);
    // The running statistics never reach the loss, so no gradient flows into them; PyTorch keeps the unbiased variance.
    // The running statistics are the plain average of the first ten batches, then PyTorch's moving
    // average at momentum 0.1. Starting the moving average from its initial 0 and 1 is fine for
    // thousands of steps, but a small text set gives 7 steps an epoch: after them the running
    // mean was still half its initial zero, and a pretrained encoder's pooled features (far from
    // zero) were normalised wrongly at validation (spam_tiny: 0.54 accuracy after the frozen epoch).
    const m = Math.max(0.1, 1 / ++this.updates);
    const n = x.shape[0];
    this.runningMean.assign(tf.tidy(() => this.runningMean.mul(1 - m).add(mean.mul(m))));
    this.runningVar.assign(tf.tidy(() => this.runningVar.mul(1 - m).add(variance.mul((m * n) / (n - 1)))));
    return x.sub(mean).div(variance.add(eps).sqrt()).mul(this.gamma).add(this.beta);
  }

  params(): Param[] {
    return [
      { variable: this.gamma, doWd: false, isBn: true },
      { variable: this.beta, doWd: false, isBn: true },
    ];
  }

  variables(): tf.Variable[] {
    return [this.gamma, this.beta, this.runningMean, this.runningVar];
  }
}

/** One linear layer's variables. */
export interface Linear {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** Kaiming-uniform weights as PyTorch's `nn.Linear` (bound 1/sqrt(fanIn)) from a seeded generator. */
function makeLinear(fanIn: number, fanOut: number, name: string, rand: () => number): Linear {
  const r = 1 / Math.sqrt(fanIn);
  const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rand() - 1) * r);
  const b = Float32Array.from({ length: fanOut }, () => (2 * rand() - 1) * r);
  return { kernel: tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true, `${name}/kernel`), bias: tf.variable(tf.tensor1d(b), true, `${name}/bias`) };
}

/**
 * fastai's `PoolingLinearClassifier(dims=[3E, 50, classes], ps=[outputP, 0.1])`: each block is
 * batch norm, dropout, linear, then ReLU except after the last.
 */
export class PoolingClassifierHead {
  private readonly bns: BatchNorm1d[];
  private readonly linears: Linear[];

  constructor(
    dims: readonly number[],
    private readonly ps: readonly number[],
    name: string,
    rand: () => number,
  ) {
    this.bns = dims.slice(0, -1).map((d, i) => new BatchNorm1d(d, `${name}/bn_${i}`));
    this.linears = dims.slice(0, -1).map((d, i) => makeLinear(d, dims[i + 1], `${name}/linear_${i}`, rand));
  }

  /** Logits `[B, classes]` from pooled features `[B, 3E]`. */
  apply(pooled: tf.Tensor2D, training: boolean, seeds: SeedStream): tf.Tensor2D {
    let x = pooled;
    this.linears.forEach((lin, i) => {
      x = this.bns[i].apply(x, training);
      x = maybeDrop(x, this.ps[i], training, [...x.shape], seeds) as tf.Tensor2D;
      x = matMul2d(x, lin.kernel as tf.Tensor2D).add(lin.bias);
      if (i < this.linears.length - 1) x = tf.relu(x);
    });
    return x;
  }

  /** The blocks in order, each a batch norm then a linear layer (ReLU after all but the last): what an export copies. */
  blocks(): { readonly bn: BatchNorm1d; readonly linear: Linear }[] {
    return this.linears.map((linear, i) => ({ bn: this.bns[i], linear }));
  }

  params(): Param[] {
    return this.linears.flatMap((lin, i) => [...this.bns[i].params(), { variable: lin.kernel, doWd: true, isBn: false }, { variable: lin.bias, doWd: false, isBn: false }]);
  }

  variables(): tf.Variable[] {
    return this.linears.flatMap((lin, i) => [...this.bns[i].variables(), lin.kernel, lin.bias]);
  }
}
