import * as tf from '@tensorflow/tfjs';
import { safeDiv, type Metric } from './metric';

/**
 * Mean distance between predicted and true points, in pixels of a `width x height` image:
 * coordinates span [-1, 1] on each axis, so x differences count `width / 2` pixels a unit and
 * y differences `height / 2`. Shapes `[B, 2]`.
 */
export function meanPixelError(width: number, height = width): Metric {
  return {
    name: 'pixel_error',
    stats: (pred, target) =>
      tf.tidy(() => {
        const scale = tf.tensor2d([[width / 2, height / 2]]);
        const diff = tf.sub(pred.reshape([-1, 2]), target.reshape([-1, 2]).toFloat()).mul(scale);
        const dist = diff.square().sum(-1).sqrt();
        return tf.stack([dist.sum(), tf.scalar(dist.size)]) as tf.Tensor1D;
      }),
    value: ([s, n]) => safeDiv(s, n),
  };
}

/** Mean squared error over every coordinate of the set: sum((pred - target)^2) / count. */
export function mse(): Metric {
  return {
    name: 'mse',
    stats: (pred, target) => tf.tidy(() => tf.stack([tf.squaredDifference(pred, target.toFloat()).sum(), tf.scalar(target.size)]) as tf.Tensor1D),
    value: ([s, n]) => safeDiv(s, n),
  };
}
