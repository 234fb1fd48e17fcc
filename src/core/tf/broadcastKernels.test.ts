import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installBroadcastCpuKernels } from './broadcastKernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const a = tf.randomNormal([4, 5, 3, 6], 0, 1, 'float32', 1);
const cases: [string, () => tf.Tensor][] = [
  ['mul [B,H,W,C] x [1,1,1,C]', () => tf.mul(a, tf.randomNormal([1, 1, 1, 6], 0, 1, 'float32', 2))],
  ['mul [C] x [B,H,W,C]', () => tf.mul(tf.randomNormal([6], 0, 1, 'float32', 3), a)],
  ['sub [B,H,W,C] - [1,1,1,C]', () => tf.sub(a, tf.randomNormal([1, 1, 1, 6], 0, 1, 'float32', 4))],
  ['sub [W,C] - [B,H,W,C]', () => tf.sub(tf.randomNormal([3, 6], 0, 1, 'float32', 5), a)],
  ['div by scalar', () => tf.div(a, tf.scalar(3))],
  ['add not a suffix (falls back)', () => tf.add(a, tf.randomNormal([4, 1, 1, 6], 0, 1, 'float32', 6))],
  ['squared difference', () => tf.squaredDifference(a, tf.randomNormal([1, 1, 1, 6], 0, 1, 'float32', 7))],
  ['sum over B,H,W', () => tf.sum(a, [0, 1, 2])],
  ['sum over B,H,W keepDims', () => tf.sum(a, [2, 0, 1], true)],
  ['mean over B,H,W keepDims', () => tf.mean(a, [0, 1, 2], true)],
  ['mul equal shapes', () => tf.mul(a, a)],
  ['mean of all', () => tf.mean(a)],
  ['sum over C (falls back)', () => tf.sum(a, -1)],
  ['int sum (falls back)', () => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0)],
];

describe('broadcast CPU kernels', () => {
  it("give the original kernels' results, shapes and dtypes", async () => {
    const before = cases.map(([, f]) => f());
    installBroadcastCpuKernels();
    const after = cases.map(([, f]) => f());
    cases.forEach(([name], i) => {
      expect(after[i].shape, name).toEqual(before[i].shape);
      expect(after[i].dtype, name).toBe(before[i].dtype);
      const x = Array.from(before[i].dataSync());
      Array.from(after[i].dataSync()).forEach((v, j) => expect(v, name).toBeCloseTo(x[j], 4));
    });
    tf.dispose([...before, ...after]);
  });
});
