import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, errorRate } from './classification';
import { metricsForTask } from './forTask';
import { MetricAccumulator, computeMetric } from './metric';
import { accuracyThresh, fbeta } from './multiLabel';
import { meanPixelError, mse } from './points';
import { dice, meanIoU, pixelAccuracy } from './segmentation';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('single-label metrics', () => {
  it('accuracy and error rate from logits', async () => {
    const logits = tf.tensor2d([
      [2, 1],
      [0, 3],
      [1, 0],
      [0, 1],
    ]);
    const y = tf.tensor1d([0, 0, 0, 1], 'int32');
    expect(await computeMetric(accuracy(), logits, y)).toBeCloseTo(0.75, 10);
    expect(await computeMetric(errorRate(), logits, y)).toBeCloseTo(0.25, 10);
  });

  it('accumulates over the whole set, not per-batch averages', async () => {
    const acc = new MetricAccumulator([accuracy()]);
    await acc.add(tf.tensor2d([[1, 0]]), tf.tensor1d([0], 'int32')); // 1 of 1
    await acc.add(
      tf.tensor2d([
        [1, 0],
        [1, 0],
        [0, 1],
      ]),
      tf.tensor1d([1, 1, 1], 'int32'),
    ); // 1 of 3
    expect(acc.result().accuracy).toBeCloseTo(2 / 4, 10); // batch averages would give 0.667
  });
});

describe('multi-label metrics (threshold 0.2 on sigmoid)', () => {
  it('accuracy_thresh counts every (item, label) pair', async () => {
    // sigmoid > 0.2  <=>  logit > ln(0.25) = -1.386
    const logits = tf.tensor2d([
      [0, -3],
      [-1, 2],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    expect(await computeMetric(accuracyThresh(), logits, y)).toBeCloseTo(0.75, 10);
  });

  it('fbeta (beta 2) is averaged over samples', async () => {
    const logits = tf.tensor2d([
      [5, -5],
      [5, 5],
      [-5, -5],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    // item 1: p=r=1 -> 1; item 2: p=0.5, r=1 -> 5*0.5/(4*0.5+1) = 0.8333; item 3: nothing predicted -> 0
    expect(await computeMetric(fbeta(), logits, y)).toBeCloseTo((1 + 2.5 / 3 + 0) / 3, 6);
    expect(await computeMetric(fbeta({ beta: 1 }), logits, y)).toBeCloseTo((1 + 2 / 3 + 0) / 3, 6);
  });
});

describe('segmentation metrics', () => {
  // one 2x2 image, 3 codes, code 2 is void; target [[0, 1], [2, 1]], prediction [[0, 0], [2, 1]]
  const target = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
  const logits = tf
    .oneHot(tf.tensor3d([0, 0, 2, 1], [1, 2, 2], 'int32'), 3)
    .toFloat()
    .mul(4);

  it('pixel accuracy ignores void pixels', async () => {
    expect(await computeMetric(pixelAccuracy(2), logits, target)).toBeCloseTo(2 / 3, 6);
    expect(await computeMetric(pixelAccuracy(-1), logits, target)).toBeCloseTo(3 / 4, 6);
  });

  it('dice and mean IoU average the non-void classes', async () => {
    // class 0: |P|=2, |T|=1, I=1 -> dice 2/3, IoU 1/2; class 1: |P|=1, |T|=2, I=1 -> same
    expect(await computeMetric(dice(3, 2), logits, target)).toBeCloseTo(2 / 3, 6);
    expect(await computeMetric(meanIoU(3, 2), logits, target)).toBeCloseTo(0.5, 6);
  });
});

describe('point metrics', () => {
  it('mean pixel error = mean distance * size / 2; mse over coordinates', async () => {
    const pred = tf.tensor2d([
      [0, 0],
      [0.5, 0.5],
    ]);
    const y = tf.tensor2d([
      [0.1, 0],
      [0.5, -0.5],
    ]);
    expect(await computeMetric(meanPixelError(64), pred, y)).toBeCloseTo(((0.1 + 1) / 2) * 32, 4);
    expect(await computeMetric(mse(), pred, y)).toBeCloseTo((0.01 + 1) / 4, 6);
  });

  it('on a rectangle each axis counts its own half-side in pixels (160 wide, 120 high)', async () => {
    const pred = tf.tensor2d([
      [0.5, 0],
      [0, 0.5],
    ]);
    const y = tf.tensor2d([
      [0, 0],
      [0, 0],
    ]);
    // 0.5 unit of x is 40 px on a 160 px width; 0.5 unit of y is 30 px on a 120 px height.
    expect(await computeMetric(meanPixelError(160, 120), pred, y)).toBeCloseTo((40 + 30) / 2, 4);
  });

  it('task defaults name the lesson-3 metrics', () => {
    const ctx = { numClasses: 3, voidIndex: 2, height: 64, width: 64 };
    expect(metricsForTask('single', ctx).map((m) => m.name)).toEqual(['error_rate', 'accuracy']);
    expect(metricsForTask('multi', ctx).map((m) => m.name)).toEqual(['accuracy_thresh', 'fbeta']);
    expect(metricsForTask('segmentation', ctx).map((m) => m.name)).toEqual(['acc_no_void', 'dice', 'mean_iou']);
    expect(metricsForTask('points', ctx).map((m) => m.name)).toEqual(['pixel_error']);
  });
});
