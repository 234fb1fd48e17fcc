import * as tf from '@tensorflow/tfjs';
import { safeDiv, type Metric } from './metric';

/** Options shared by the multi-label metrics (lesson 3 uses threshold 0.2 on sigmoid outputs). */
export interface ThreshOptions {
  readonly thresh?: number;
  /** Apply a sigmoid to the outputs first (they are logits). */
  readonly sigmoid?: boolean;
}

function predicted(pred: tf.Tensor, thresh: number, sigmoid: boolean): tf.Tensor {
  return (sigmoid ? tf.sigmoid(pred) : pred).greater(thresh).toFloat();
}

/**
 * fastai's `accuracy_thresh` / `accuracy_multi`: share of (item, label) pairs where
 * (sigmoid(out) > thresh) equals the target.
 */
export function accuracyThresh(opts: ThreshOptions = {}): Metric {
  const { thresh = 0.2, sigmoid = true } = opts;
  return {
    name: 'accuracy_thresh',
    stats: (pred, target) => tf.tidy(() => tf.stack([predicted(pred, thresh, sigmoid).equal(target.toFloat()).toFloat().sum(), tf.scalar(target.size)]) as tf.Tensor1D),
    value: ([c, n]) => safeDiv(c, n),
  };
}

/**
 * F-beta averaged over samples, as lesson 3's `fbeta` (v1) and `FBetaMulti(average='samples')`:
 * per item, prec = tp / predicted, rec = tp / actual, f = (1 + b^2) prec rec / (b^2 prec + rec)
 * (0 when undefined), then the mean over items. Beta 2 weighs recall above precision.
 */
export function fbeta(opts: ThreshOptions & { readonly beta?: number } = {}): Metric {
  const { thresh = 0.2, sigmoid = true, beta = 2 } = opts;
  const b2 = beta * beta;
  return {
    name: 'fbeta',
    stats: (pred, target) =>
      tf.tidy(() => {
        const p = predicted(pred, thresh, sigmoid);
        const t = target.toFloat();
        const tp = p.mul(t).sum(-1);
        const prec = tf.divNoNan(tp, p.sum(-1));
        const rec = tf.divNoNan(tp, t.sum(-1));
        const f = tf.divNoNan(prec.mul(rec).mul(1 + b2), prec.mul(b2).add(rec));
        return tf.stack([f.sum(), tf.scalar(f.size)]) as tf.Tensor1D;
      }),
    value: ([s, n]) => safeDiv(s, n),
  };
}
