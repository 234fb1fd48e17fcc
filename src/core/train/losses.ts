import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/types';

/**
 * A loss on model outputs (logits for classification and segmentation, raw coordinates for
 * points), with its per-item form for `getPreds` and the activation that turns outputs into
 * predictions (fastai's `loss_func.activation`).
 */
export interface Loss {
  readonly name: string;
  /** Mean over every element: the training objective. */
  mean(pred: tf.Tensor, target: tf.Tensor): tf.Scalar;
  /** One value per item (mean over its pixels or labels), shape `[B]`. */
  perItem(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D;
  /** Outputs -> probabilities (softmax, sigmoid) or coordinates (identity). */
  activation(pred: tf.Tensor): tf.Tensor;
}

/** Averages every axis but the first: a per-item value. */
function itemMean(t: tf.Tensor): tf.Tensor1D {
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return (axes.length ? t.mean(axes) : t) as tf.Tensor1D;
}

/** Elementwise loss with its two reductions. */
function fromElementwise(name: string, elementwise: (p: tf.Tensor, t: tf.Tensor) => tf.Tensor, activation: (p: tf.Tensor) => tf.Tensor): Loss {
  return {
    name,
    mean: (p, t) => tf.tidy(() => elementwise(p, t).mean() as tf.Scalar),
    perItem: (p, t) => tf.tidy(() => itemMean(elementwise(p, t))),
    activation: (p) => tf.tidy(() => activation(p)),
  };
}

/**
 * Softmax cross-entropy on logits, classes on the last axis (fastai's `CrossEntropyLossFlat`):
 * loss = -log softmax(logits)[target], for `[B, C]` with `[B]` targets or `[B, H, W, C]` with `[B, H, W]`.
 */
export function crossEntropyFlat(): Loss {
  return fromElementwise(
    'cross_entropy',
    (logits, target) => {
      const numClasses = logits.shape[logits.rank - 1];
      const onehot = tf.oneHot(target.toInt(), numClasses);
      return tf.logSoftmax(logits).mul(onehot).sum(-1).neg();
    },
    (logits) => tf.softmax(logits),
  );
}

/**
 * Sigmoid binary cross-entropy on logits (fastai's `BCEWithLogitsLossFlat`), in its stable form:
 * loss = max(x, 0) - x * z + log(1 + exp(-|x|)).
 */
export function bceWithLogitsFlat(): Loss {
  return fromElementwise(
    'bce_with_logits',
    (x, z) =>
      tf
        .relu(x)
        .sub(x.mul(z))
        .add(tf.log1p(tf.exp(x.abs().neg()))),
    (x) => tf.sigmoid(x),
  );
}

/** Mean squared error (fastai's `MSELossFlat`): loss = (pred - target)^2. */
export function mseFlat(): Loss {
  return fromElementwise(
    'mse',
    (p, t) => tf.squaredDifference(p, t),
    (p) => p.clone(),
  );
}

/**
 * The loss fastai picks for a task: cross-entropy (single, segmentation), BCE (multi), MSE (points).
 * @example lossForTask('multi').name // 'bce_with_logits'
 */
export function lossForTask(task: Task): Loss {
  switch (task) {
    case 'single':
    case 'segmentation':
      return crossEntropyFlat();
    case 'multi':
      return bceWithLogitsFlat();
    case 'points':
      return mseFlat();
  }
}
