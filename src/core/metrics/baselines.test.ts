import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { bestBaseline, lowerIsBetter, trivialBaselines } from './baselines';

const ctx = (numClasses: number, voidIndex = -1, size = 32) => ({ numClasses, voidIndex, height: size, width: size });

describe('trivial baselines', () => {
  it('single-label: the most frequent training class, scored on validation', async () => {
    const train = tf.tensor1d([2, 2, 2, 0, 1], 'int32');
    const valid = tf.tensor1d([2, 0, 2, 1], 'int32');
    const b = await trivialBaselines('single', train, valid, ctx(3));
    expect(b[0].name).toContain('(2)');
    expect(b[0].metrics.accuracy).toBeCloseTo(0.5);
    expect(b[0].metrics.error_rate).toBeCloseTo(0.5);
    expect(bestBaseline(b, 'error_rate')).toBeCloseTo(0.5);
  });

  it('multi-label: every tag, and the tags whose training frequency passes the threshold', async () => {
    // Tag 0 is on every training item, tag 1 on a quarter, tag 2 on none.
    const train = tf.tensor2d([
      [1, 1, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    const valid = tf.tensor2d([
      [1, 0, 0],
      [1, 1, 0],
    ]);
    const b = await trivialBaselines('multi', train, valid, ctx(3));
    const every = b.find((x) => x.name === 'every tag')!;
    const freq = b.find((x) => x.name === 'tag frequencies')!;
    // Every tag: item 1 prec 1/3 rec 1 -> F2 = 5/3 / (4/3 + 1) = 0.714; item 2 prec 2/3 rec 1 -> 0.909.
    expect(every.metrics.fbeta).toBeCloseTo((0.714286 + 0.909091) / 2, 4);
    // Frequencies 1, 0.25, 0 at threshold 0.2 predict tags 0 and 1: item 1 F2 0.833, item 2 F2 1.
    expect(freq.metrics.fbeta).toBeCloseTo((0.833333 + 1) / 2, 4);
    expect(bestBaseline(b, 'fbeta')).toBeCloseTo(freq.metrics.fbeta);
  });

  it('segmentation: the most frequent non-void code everywhere', async () => {
    // Code 0 is void and the most common; code 1 is the background.
    const train = tf.tensor3d(
      [
        [
          [0, 0, 0],
          [1, 1, 2],
        ],
      ],
      undefined,
      'int32',
    );
    const valid = tf.tensor3d(
      [
        [
          [1, 1, 0],
          [2, 1, 0],
        ],
      ],
      undefined,
      'int32',
    );
    const b = await trivialBaselines('segmentation', train, valid, ctx(3, 0));
    expect(b[0].name).toContain('(1)');
    expect(b[0].metrics.acc_no_void).toBeCloseTo(3 / 4);
    // IoU of code 1: 3/4; code 2 is in the target only: 0; mean 0.375.
    expect(b[0].metrics.mean_iou).toBeCloseTo(0.375);
  });

  it('points: the mean training point', async () => {
    const train = tf.tensor2d([
      [0, 0],
      [0.5, -0.5],
    ]);
    const valid = tf.tensor2d([
      [0.25, -0.25],
      [0.25, 0.75],
    ]);
    const b = await trivialBaselines('points', train, valid, ctx(0, -1, 40));
    // Distances 0 and 1 in [-1, 1] coordinates: mean 0.5, times 40 / 2 pixels.
    expect(b[0].metrics.pixel_error).toBeCloseTo(10);
    expect(lowerIsBetter('pixel_error')).toBe(true);
  });
});
