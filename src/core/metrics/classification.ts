import * as tf from '@tensorflow/tfjs';
import { safeDiv, type Metric } from './metric';

/** [number correct, number of items] for argmax(logits) against class ids. */
function correctCount(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const correct = pred.argMax(-1).equal(target.toInt()).toFloat().sum();
    return tf.stack([correct, tf.scalar(target.size)]) as tf.Tensor1D;
  });
}

/**
 * Single-label accuracy: share of items whose argmax equals the target.
 * @example await computeMetric(accuracy(), tf.tensor2d([[2, 1], [0, 3]]), tf.tensor1d([0, 0], 'int32')) // 0.5
 */
export function accuracy(): Metric {
  return { name: 'accuracy', stats: correctCount, value: ([c, n]) => safeDiv(c, n) };
}

/** fastai's `error_rate`: 1 - accuracy. */
export function errorRate(): Metric {
  return { name: 'error_rate', stats: correctCount, value: ([c, n]) => 1 - safeDiv(c, n) };
}
