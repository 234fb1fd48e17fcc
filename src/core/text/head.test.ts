import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d } from './head';

describe('BatchNorm1d running statistics', () => {
  it('average the first batches evenly, so a few steps already give the data`s statistics, then move at momentum 0.1', async () => {
    const bn = new BatchNorm1d(1, 'bn_test');
    // Features far from the initial mean 0 and variance 1, as a pretrained encoder's pooled outputs are.
    const batches = [
      [5, 7],
      [6, 8],
      [4, 6],
    ];
    for (const b of batches) tf.tidy(() => bn.apply(tf.tensor2d(b, [2, 1]), true));
    const mean = (await bn.runningMean.data())[0];
    const variance = (await bn.runningVar.data())[0];
    expect(mean).toBeCloseTo(6, 5); // the mean of the three batch means (6, 7, 5)
    expect(variance).toBeCloseTo(2, 5); // each batch's unbiased variance is 2
    // Validation then normalises the data to about zero, not to 6 standard deviations off.
    const out = await tf.tidy(() => bn.apply(tf.tensor2d([6], [1, 1]), false)).data();
    expect(Math.abs(out[0])).toBeLessThan(1e-3);
    for (let i = 0; i < 20; i++) tf.tidy(() => bn.apply(tf.tensor2d([10, 12], [2, 1]), true));
    // Batches 4-10 still average evenly (9.5 after ten), then 13 steps at momentum 0.1: 11 - 1.5 * 0.9^13 = 10.62.
    const later = (await bn.runningMean.data())[0];
    expect(later).toBeGreaterThan(10.5);
    expect(later).toBeLessThan(11);
    tf.dispose(bn.variables());
  });
});
