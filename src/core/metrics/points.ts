import * as tf from '@tensorflow/tfjs';
import { safeDiv, type Metric } from './metric';

/**
 * Mean distance between predicted and true points, in pixels of a `size`-pixel image:
 * mean(||pred - target||) * size / 2, since coordinates span [-1, 1]. Shapes `[B, 2]`.
 */
export function meanPixelError(size: number): Metric {
  return {
    name: 'pixel_error',
    stats: (pred, target) =>
      tf.tidy(() => {
        const dist = tf.squaredDifference(pred.reshape([-1, 2]), target.reshape([-1, 2]).toFloat()).sum(-1).sqrt();
        return tf.stack([dist.sum(), tf.scalar(dist.size)]) as tf.Tensor1D;
      }),
    value: ([s, n]) => (safeDiv(s, n) * size) / 2,
  };
}

/** Mean squared error over every coordinate of the set: sum((pred - target)^2) / count. */
export function mse(): Metric {
  return {
    name: 'mse',
    stats: (pred, target) =>
      tf.tidy(() => tf.stack([tf.squaredDifference(pred, target.toFloat()).sum(), tf.scalar(target.size)]) as tf.Tensor1D),
    value: ([s, n]) => safeDiv(s, n),
  };
}
