import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataBaselines, expectBeatsBaseline } from '../metrics/testing/expectBaseline';
import { smallCnn } from '../model/smallCnn';
import { loadWasmBackend } from '../tf/testing/wasm';
import { Learner } from './learner';
import { mnistLoaders } from './testing/mnist';

// The wasm backend trains for real: all ten MNIST digits, a small CNN, one-cycle. Sized from a
// measurement: ~90 ms per batch of 64 at 28x28 on wasm in Node, validation included (~4x faster
// than the CPU backend), so 3 epochs of 47 batches take ~13 s; it reached 94.6%.
let dls: ReturnType<typeof mnistLoaders>;

beforeAll(async () => {
  await loadWasmBackend();
  dls = mnistLoaders({ digits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], nTrain: 3000, nValid: 1000, batchSize: 64 });
});
afterAll(() => dls.dispose());

describe('learning real MNIST (10 digits) on the wasm backend', () => {
  it('a small CNN reaches >= 90% validation accuracy with one-cycle in 3 epochs, 0.7 above the most frequent class', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const grouped = smallCnn(10, { channels: [8, 16, 32, 64], seed: 42 });
    const learn = new Learner(dls, grouped);
    const t0 = performance.now();
    await learn.fitOneCycle(3, 1e-2);
    const seconds = (performance.now() - t0) / 1000;
    const rows = learn.recorder.epochs;
    console.log(JSON.stringify({ backend: tf.getBackend(), seconds, perBatch: seconds / (3 * dls.train.batchCount), rows }));
    const last = rows[rows.length - 1];
    expectBeatsBaseline('mnist 10 digits (wasm)', 'accuracy', last.metrics.accuracy, await dataBaselines(dls), 0.7);
    expect(last.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(last.validLoss).toBeLessThan(rows[0].validLoss);
    learn.dispose();
    grouped.model.dispose();
  });
});
