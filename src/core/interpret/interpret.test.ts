import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../data/random';
import { computeMetric } from '../metrics/metric';
import { accuracyThresh, fbeta } from '../metrics/multiLabel';
import { meanPixelError } from '../metrics/points';
import { meanIoU } from '../metrics/segmentation';
import { argmaxRows, confusionMatrix, mostConfused } from './confusion';
import { DEFAULT_THRESHOLDS, bestThreshold, perTagStats, thresholdSweep } from './multiLabel';
import { histogram, pointErrors } from './points';
import { meanOfIoU, perClassIoU } from './segmentation';
import { predictionDetails, topLosses } from './topLosses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('confusion matrix', () => {
  it('rows are actual, columns predicted', () => {
    // (actual, predicted): (0,0) (0,1) (1,1) (2,2) (1,2) (0,2) (0,0)
    const m = confusionMatrix([0, 1, 1, 2, 2, 2, 0], Int32Array.from([0, 0, 1, 2, 1, 0, 0]), 3);
    expect(m).toEqual([
      [2, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('skips ids outside the classes and rejects mismatched lengths', () => {
    expect(confusionMatrix([0, 5, -1], [0, 0, 1], 2)).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow(/1 predictions but 2 targets/);
  });

  it('argmax of each row, first index on a tie', () => {
    expect(Array.from(argmaxRows([0.1, 0.9, 0.5, 0.5, 0.7, 0.3], 2))).toEqual([1, 0, 0]);
  });

  it('most confused: off-diagonal, largest first, ties in row-major order, min_val', () => {
    const m = [
      [5, 3, 0],
      [1, 4, 3],
      [2, 0, 6],
    ];
    const all = mostConfused(m, ['a', 'b', 'c']);
    expect(all).toEqual([
      { actual: 'a', predicted: 'b', count: 3 },
      { actual: 'b', predicted: 'c', count: 3 },
      { actual: 'c', predicted: 'a', count: 2 },
      { actual: 'b', predicted: 'a', count: 1 },
    ]);
    expect(mostConfused(m, ['a', 'b', 'c'], 2).map((c) => c.count)).toEqual([3, 3, 2]);
  });
});

describe('top losses', () => {
  const losses = Float32Array.from([0.5, 2, 0.5, NaN, 1]);

  it('largest first, NaN on top, ties by index', () => {
    expect(topLosses(losses, 3)).toEqual([
      { index: 3, loss: NaN },
      { index: 1, loss: 2 },
      { index: 4, loss: 1 },
    ]);
    expect(topLosses(losses).map((l) => l.index)).toEqual([3, 1, 4, 0, 2]);
  });

  it('smallest first when largest is false', () => {
    expect(topLosses(losses, 3, false).map((l) => l.index)).toEqual([0, 2, 4]);
    expect(topLosses(losses, 0)).toEqual([]);
  });

  it('predicted class, its probability and the actual class probability', () => {
    const probs = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6];
    expect(predictionDetails(probs, [0, 1], 3, [1, 0])).toEqual([
      { index: 1, predicted: 2, predictedProb: 0.6, actual: 1, actualProb: 0.3 },
      { index: 0, predicted: 0, predictedProb: 0.7, actual: 0, actualProb: 0.7 },
    ]);
    expect(() => predictionDetails(probs, [0, 1], 3, [2])).toThrow(/item 2/);
  });
});

describe('multi-label', () => {
  // 3 items, 2 tags; at 0.2 the predictions are [1, 0], [1, 1], [0, 1]
  const probs = Float32Array.from([0.9, 0.1, 0.3, 0.6, 0.1, 0.25]);
  const targets = Float32Array.from([1, 0, 0, 1, 1, 1]);

  it('per-tag precision, recall, f1, support', () => {
    const [a, b] = perTagStats(probs, targets, 2, 0.2);
    // tag 0: predicted on items 0, 1; present on 0, 2 -> tp 1
    expect(a).toEqual({ tag: 0, precision: 0.5, recall: 0.5, f1: 0.5, support: 2, predicted: 2 });
    expect(b).toEqual({ tag: 1, precision: 1, recall: 1, f1: 1, support: 2, predicted: 2 });
  });

  it('sweep gives sample-averaged F2 and accuracy_thresh', () => {
    const [p] = thresholdSweep(probs, targets, 2, 2, [0.2]);
    // item 0: F2 = 1; item 1: p .5 r 1 -> 5*.5/(2+1); item 2: p 1 r .5 -> 5*.5/(4+.5)
    expect(p.fbeta).toBeCloseTo((1 + 2.5 / 3 + 2.5 / 4.5) / 3, 6);
    expect(p.accuracyThresh).toBeCloseTo(4 / 6, 10);
  });

  it('agrees bit for bit with the fbeta and accuracy_thresh metrics', async () => {
    const rng = makeRng(3);
    const [n, c] = [37, 5];
    const pr = Float32Array.from({ length: n * c }, () => rng());
    const tg = Float32Array.from({ length: n * c }, () => (rng() < 0.3 ? 1 : 0));
    const sweep = thresholdSweep(pr, tg, c);
    const [pt, tt] = [tf.tensor2d(pr, [n, c]), tf.tensor2d(tg, [n, c])];
    for (const thresh of [0.2, 0.5, 0.85]) {
      const point = sweep.find((s) => s.thresh === thresh);
      expect(point?.fbeta).toBe(await computeMetric(fbeta({ thresh, sigmoid: false }), pt, tt));
      expect(point?.accuracyThresh).toBe(await computeMetric(accuracyThresh({ thresh, sigmoid: false }), pt, tt));
    }
    tf.dispose([pt, tt]);
  });

  it('default thresholds are 0.05..0.95 as written; best picks the highest F-beta, lowest threshold on a tie', () => {
    expect(DEFAULT_THRESHOLDS.length).toBe(19);
    expect([DEFAULT_THRESHOLDS[0], DEFAULT_THRESHOLDS[2], DEFAULT_THRESHOLDS[3], DEFAULT_THRESHOLDS[18]]).toEqual([0.05, 0.15, 0.2, 0.95]);
    const sweep = [0.1, 0.2, 0.3].map((thresh, i) => ({ thresh, fbeta: [0.5, 0.8, 0.8][i], accuracyThresh: 0 }));
    expect(bestThreshold(sweep)?.thresh).toBe(0.2);
    expect(bestThreshold([])).toBeNull();
  });

  it('rejects arrays that are not [N, C]', () => {
    expect(() => thresholdSweep([0.1, 0.2, 0.3], [1, 0, 1], 2)).toThrow(/rows of 2 tags/);
  });
});

describe('segmentation', () => {
  it('per-class IoU without the void code or void pixels', () => {
    // target [0, 1, 2, 1], prediction [0, 0, 2, 1], code 2 is void
    const rows = perClassIoU([0, 0, 2, 1], Uint8Array.from([0, 1, 2, 1]), 4, 2);
    expect(rows).toEqual([
      { code: 0, iou: 0.5, pixels: 1, predictedPixels: 2 },
      { code: 1, iou: 0.5, pixels: 2, predictedPixels: 1 },
      { code: 3, iou: null, pixels: 0, predictedPixels: 0 },
    ]);
    expect(meanOfIoU(rows)).toBe(0.5);
  });

  it('the mean equals the mean_iou metric', async () => {
    const rng = makeRng(9);
    const [n, h, w, c] = [2, 4, 5, 4];
    const truth = Int32Array.from({ length: n * h * w }, () => Math.floor(rng() * c));
    const pred = Int32Array.from(truth, (t) => (rng() < 0.6 ? t : Math.floor(rng() * c)));
    const logits = tf.tidy(() => tf.oneHot(tf.tensor3d(pred, [n, h, w], 'int32'), c).toFloat());
    const target = tf.tensor3d(truth, [n, h, w], 'int32');
    expect(meanOfIoU(perClassIoU(pred, truth, c, 0))).toBeCloseTo(await computeMetric(meanIoU(c, 0), logits, target), 12);
    tf.dispose([logits, target]);
  });
});

describe('points', () => {
  it('pixel error per item, whose mean is the pixel_error metric', async () => {
    const pred = [0, 0, 0.5, 0.5];
    const target = [0.1, 0, 0.5, -0.5];
    const errors = pointErrors(pred, target, 64);
    expect(errors[0]).toBeCloseTo(3.2, 10);
    expect(errors[1]).toBeCloseTo(32, 10);
    const metric = await computeMetric(meanPixelError(64), tf.tensor2d(pred, [2, 2]), tf.tensor2d(target, [2, 2]));
    expect((errors[0] + errors[1]) / 2).toBeCloseTo(metric, 4);
    expect(() => pointErrors([0, 0, 1], [0, 0, 1], 64)).toThrow(/\[N, 2\]/);
  });

  it('histogram bins are [x0, x1) with the last one closed', () => {
    expect(histogram([0, 1, 1, 4], 2)).toEqual([
      { x0: 0, x1: 2, count: 3 },
      { x0: 2, x1: 4, count: 1 },
    ]);
    expect(histogram([-1, 0, 9.99, 10, 11, NaN], 5, [0, 10]).map((b) => b.count)).toEqual([1, 0, 0, 0, 2]);
  });

  it('histogram of one distinct value or none', () => {
    expect(histogram([3, 3], 2)).toEqual([
      { x0: 2.5, x1: 3, count: 0 },
      { x0: 3, x1: 3.5, count: 2 },
    ]);
    expect(histogram([], 2).map((b) => [b.x0, b.x1, b.count])).toEqual([
      [0, 0.5, 0],
      [0.5, 1, 0],
    ]);
    expect(() => histogram([1], 0)).toThrow(/bins/);
  });
});
