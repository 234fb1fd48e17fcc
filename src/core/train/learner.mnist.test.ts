import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataBaselines, expectBeatsBaseline } from '../metrics/testing/expectBaseline';
import { countParams } from '../model/types';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { Learner } from './learner';
import { mnistLoaders } from './testing/mnist';

// Sized from a measurement: ~0.7 s per batch of 64 at 28x28 for this ~25k-parameter CNN on the
// tfjs CPU backend (with the fast filter-gradient kernel), so 4 epochs of 10 batches take ~30 s.
const dls = mnistLoaders({ digits: [3, 7], nTrain: 600, nValid: 200, batchSize: 64 });

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});
afterAll(() => dls.dispose());

describe('learning real MNIST (3 vs 7)', () => {
  it('a small CNN reaches >= 97% validation accuracy with one-cycle in 4 epochs, 0.4 above the most frequent class', async () => {
    const grouped = smallCnn(2, { channels: [8, 16, 32, 64], seed: 42 });
    expect(countParams(grouped.model)).toBeLessThan(100_000);
    const learn = new Learner(dls, grouped);
    const t0 = performance.now();
    await learn.fitOneCycle(4, 1e-2);
    const seconds = (performance.now() - t0) / 1000;
    const rows = learn.recorder.epochs;
    console.log(JSON.stringify({ seconds, perBatch: seconds / (4 * dls.train.batchCount), rows }));
    const last = rows[rows.length - 1];
    expectBeatsBaseline('mnist 3 vs 7', 'accuracy', last.metrics.accuracy, await dataBaselines(dls), 0.4);
    expect(last.metrics.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(last.validLoss).toBeLessThan(rows[0].validLoss);
    learn.dispose();
    grouped.model.dispose();
  });
});
