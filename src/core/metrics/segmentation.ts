import * as tf from '@tensorflow/tfjs';
import { safeDiv, type Metric } from './metric';

/** Pixels that count: every pixel whose target is not the void code (all when voidIndex < 0). */
function validMask(target: tf.Tensor, voidIndex: number): tf.Tensor {
  return voidIndex < 0 ? tf.onesLike(target).toFloat() : target.notEqual(voidIndex).toFloat();
}

/**
 * Pixel accuracy ignoring void pixels (fastai's `acc_camvid`), over every pixel of the set:
 * correct non-void pixels / non-void pixels. Outputs are `[B, H, W, C]` logits, targets `[B, H, W]`.
 */
export function pixelAccuracy(voidIndex = -1): Metric {
  return {
    name: voidIndex < 0 ? 'pixel_accuracy' : 'acc_no_void',
    stats: (pred, target) =>
      tf.tidy(() => {
        const mask = validMask(target, voidIndex);
        const correct = pred.argMax(-1).equal(target.toInt()).toFloat().mul(mask).sum();
        return tf.stack([correct, mask.sum()]) as tf.Tensor1D;
      }),
    value: ([c, n]) => safeDiv(c, n),
  };
}

/** Per class c: [intersection_c..., (predicted_c + actual_c)...] over non-void pixels. */
function interUnion(pred: tf.Tensor, target: tf.Tensor, numClasses: number, voidIndex: number): tf.Tensor1D {
  return tf.tidy(() => {
    const mask = validMask(target, voidIndex).expandDims(-1);
    const p = tf.oneHot(pred.argMax(-1), numClasses).toFloat().mul(mask);
    const t = tf.oneHot(target.toInt(), numClasses).toFloat().mul(mask);
    const axes = [0, 1, 2];
    return tf.concat([p.mul(t).sum(axes), p.add(t).sum(axes)]) as tf.Tensor1D;
  });
}

/** Mean over classes (void excluded) that appear in prediction or target of `score(inter, sum)`. */
function classMean(sums: readonly number[], numClasses: number, voidIndex: number, score: (i: number, s: number) => number): number {
  const scores: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const inter = sums[c] ?? 0;
    const sum = sums[numClasses + c] ?? 0;
    if (c !== voidIndex && sum > 0) scores.push(score(inter, sum));
  }
  return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
}

/**
 * Multi-class dice (fastai's `DiceMulti`), accumulated over the set: per class
 * 2 * |P ∩ T| / (|P| + |T|), averaged over the classes present; void pixels and the void class are left out.
 */
export function dice(numClasses: number, voidIndex = -1): Metric {
  return {
    name: 'dice',
    stats: (pred, target) => interUnion(pred, target, numClasses, voidIndex),
    value: (sums) => classMean(sums, numClasses, voidIndex, (i, s) => (2 * i) / s),
  };
}

/**
 * Mean intersection over union (fastai's `JaccardCoeffMulti`): per class |P ∩ T| / (|P| + |T| - |P ∩ T|),
 * averaged over the classes present; void pixels and the void class are left out.
 */
export function meanIoU(numClasses: number, voidIndex = -1): Metric {
  return {
    name: 'mean_iou',
    stats: (pred, target) => interUnion(pred, target, numClasses, voidIndex),
    value: (sums) => classMean(sums, numClasses, voidIndex, (i, s) => safeDiv(i, s - i)),
  };
}
