import * as tf from '@tensorflow/tfjs';
import { CHANNEL_GRAD_SUMS, RELU6_GRAD } from './wasmHeapKernels';

/**
 * Ops with the same values as tfjs's but cheaper gradients, for the layers of a training step
 * (`core/model/fastGradients.ts` swaps them in while gradients are recorded). tfjs composes
 * their gradients from many full-size kernels: relu then clip to 6 costs Step, Cast, Multiply,
 * GreaterEqual, LessEqual, LogicalAnd, ZerosLike and Select over the activation, and an
 * inference-mode batch norm a Sub, a Tile and five Multiplys plus two Sums that transpose on
 * wasm. Here each is one pass (a studio kernel where the backend has one, `wasmHeapKernels.ts`;
 * the same arithmetic from tfjs ops elsewhere).
 */

/** True while a gradient tape records (inside `tf.grads`, `tf.variableGrads`, ...). */
export function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

/** dy where 0 < x <= 6, else 0. */
function relu6Grad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (hasKernel(RELU6_GRAD) && x.dtype === 'float32') return tf.engine().runKernel(RELU6_GRAD, { dy, x }, {}) as tf.Tensor;
  return tf.tidy(() => tf.where(tf.logicalAnd(tf.greater(x, 0), tf.lessEqual(x, 6)), dy, tf.zerosLike(dy)));
}

/**
 * relu(x) clipped to [0, 6], as a Keras `ReLU(max_value=6)` layer computes it (the values of
 * `tf.relu6`), with its gradient in one pass: dy where 0 < x <= 6 (relu's gradient is 0 at 0,
 * the clip's is 1 at 6, as in tfjs).
 */
export function relu6WithGrad(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return { value: tf.relu6(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => relu6Grad(dy, saved[0]) };
  });
  return op(x);
}

/**
 * Per channel, sum(dy) and sum(dy * (x - mean)), over every axis but the last: one pass over the
 * heap where the backend has the kernel (`[2, C]`, split in two), else two sums apart (no stack
 * and unstack: on a GPU each would be dispatches of their own).
 */
function channelGradSums(dy: tf.Tensor, x: tf.Tensor, mean: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (hasKernel(CHANNEL_GRAD_SUMS)) return tf.unstack(tf.engine().runKernel(CHANNEL_GRAD_SUMS, { dy, x, mean }, {}) as tf.Tensor) as [tf.Tensor, tf.Tensor];
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  return [tf.sum(dy, axes), tf.sum(tf.mul(dy, tf.sub(x, mean)), axes)];
}

/** The weights of an inference-mode batch norm over the last axis (each `[C]`). */
export interface BatchNormWeights {
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
  readonly gamma: tf.Tensor1D;
  readonly beta: tf.Tensor1D;
  readonly epsilon: number;
}

/**
 * `tf.batchNorm(x, mean, variance, beta, gamma, epsilon)` over the last axis with the running
 * statistics held constant (inference mode), differentiable in x, gamma and beta:
 * dx = dy * gamma / sqrt(variance + eps), dgamma = sum(dy * (x - mean)) / sqrt(variance + eps),
 * dbeta = sum(dy). The two sums take one pass over dy and x together.
 */
export function batchNormInferenceWithGrad(x: tf.Tensor, w: BatchNormWeights): tf.Tensor {
  const { mean, variance, epsilon } = w;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([input, gamma]);
    const value = tf.batchNorm(input, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, epsilon);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, g] = saved;
      const inv = tf.rsqrt(tf.add(variance, epsilon));
      const [dBeta, dGammaRaw] = channelGradSums(dy, xs, mean);
      return [tf.mul(dy, tf.mul(g, inv)), tf.mul(dGammaRaw, inv), dBeta];
    };
    return { value, gradFunc };
  });
  return op(x, w.gamma, w.beta);
}

/** A training-mode batch norm's output and the batch statistics it normalized with. */
export interface BatchNormTraining {
  readonly y: tf.Tensor;
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

/**
 * Batch norm over the last axis with the batch's own statistics (training mode, the values of
 * tfjs-layers' `normalizeBatchInTraining`: `tf.moments` then `tf.batchNorm`), differentiable in
 * x, gamma and beta through the whole expression, statistics included:
 * dx = gamma * inv * (dy - sum(dy) / n - (x - mean) * inv^2 * sum(dy * (x - mean)) / n),
 * dgamma = sum(dy * (x - mean)) * inv, dbeta = sum(dy), with inv = 1 / sqrt(variance + eps) and
 * n the values per channel. tfjs differentiates the batch norm and the moments apart: about 30
 * kernels, 15 of them over the whole activation, where this takes the two sums in one pass and
 * five full-size kernels. The statistics come back for the running averages (not differentiated).
 */
export function batchNormTrainingWithGrad(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTraining {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(input, axes) as { mean: tf.Tensor1D; variance: tf.Tensor1D };
    // Kept past the op's own tidy, for the caller's running averages.
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([input, mean, variance, g]);
    const value = tf.batchNorm(input, mean, variance, b, g, epsilon);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, mu, v, gs] = saved;
      const perChannel = xs.size / xs.shape[xs.rank - 1];
      const inv = tf.rsqrt(tf.add(v, epsilon));
      const [sumDy, sumDyXm] = channelGradSums(dy, xs, mu);
      const k1 = tf.mul(gs, inv);
      const k2 = tf.mul(k1, tf.mul(tf.square(inv), tf.div(sumDyXm, -perChannel)));
      const k3 = tf.mul(k1, tf.div(sumDy, -perChannel));
      const dx = tf.add(tf.add(tf.mul(dy, k1), tf.mul(tf.sub(xs, mu), k2)), k3);
      return [dx, tf.mul(sumDyXm, inv), sumDy];
    };
    return { value, gradFunc };
  });
  const y = op(x, gamma, beta);
  // Clones belong to the caller's scope, as the op's other outputs would.
  const out = { y, mean: tf.clone(stats!.mean), variance: tf.clone(stats!.variance) };
  tf.dispose([stats!.mean, stats!.variance]);
  return out;
}
