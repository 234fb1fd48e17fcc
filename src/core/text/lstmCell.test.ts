import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasmBackend, randomValues, relativeError } from '../tf/testing/wasm';
import { LSTM_CELL, lstmCell } from './lstmCell';

beforeAll(loadWasmBackend);

afterAll(async () => {
  await tf.setBackend('cpu');
});

const B = 3;
const H = 5;

/** The same gates as tfjs ops: the reference. */
function composite(z: tf.Tensor2D, c: tf.Tensor2D): { h: tf.Tensor2D; c: tf.Tensor2D } {
  const [i, f, g, o] = tf.split(z, 4, 1);
  const next = tf
    .sigmoid(f)
    .mul(c)
    .add(tf.sigmoid(i).mul(tf.tanh(g))) as tf.Tensor2D;
  return { h: tf.sigmoid(o).mul(tf.tanh(next)) as tf.Tensor2D, c: next };
}

/**
 * Two chained steps and a loss of `uses` (the last h, the last c, or both, weighted): values and
 * gradients in z1, z2 and the first c.
 */
function run(cell: typeof lstmCell, uses: 'h' | 'c' | 'both'): Float32Array[] {
  const z1 = tf.tensor2d(
    randomValues(B * 4 * H, 1).map((v) => v * 3),
    [B, 4 * H],
  );
  const z2 = tf.tensor2d(
    randomValues(B * 4 * H, 2).map((v) => v * 3),
    [B, 4 * H],
  );
  const c0 = tf.tensor2d(randomValues(B * H, 3), [B, H]);
  const wh = tf.tensor2d(randomValues(B * H, 4), [B, H]);
  const wc = tf.tensor2d(randomValues(B * H, 5), [B, H]);
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
    const s1 = cell(a as tf.Tensor2D, c as tf.Tensor2D);
    // The first step's h feeds the loss too, as an LSTM's outputs do.
    const s2 = cell(b.add(s1.h.tile([1, 4])) as tf.Tensor2D, s1.c);
    const terms = [s1.h.mul(wc).sum()];
    if (uses !== 'c') terms.push(s2.h.mul(wh).sum());
    if (uses !== 'h') terms.push(s2.c.mul(wc).sum());
    return tf.addN(terms);
  };
  const { value, grads } = tf.valueAndGrads(loss)([z1, z2, c0]);
  const out = [value, ...grads].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([z1, z2, c0, wh, wc, value, ...grads]);
  return out;
}

describe('lstmCell', () => {
  it.each([
    ['wasm', 'both'],
    ['wasm', 'h'],
    ['wasm', 'c'],
    ['cpu', 'both'],
    ['cpu', 'h'],
  ] as const)('gives the tfjs ops` values and gradients on %s (loss of the last %s)', async (backend, uses) => {
    await tf.setBackend(backend);
    const mine = run(lstmCell, uses);
    expect(tf.getKernel(LSTM_CELL, backend)).toBeDefined();
    const ref = run(composite, uses);
    for (let k = 0; k < ref.length; k++) expect(relativeError(mine[k], ref[k])).toBeLessThan(1e-5);
    // Not a vacuous match: every gradient is non-zero.
    for (const g of mine.slice(1)) expect(g.some((v) => v !== 0)).toBe(true);
  });

  it('runs one kernel each way and frees what it keeps for the gradient', async () => {
    await tf.setBackend('wasm');
    const z = tf.tensor2d(randomValues(B * 4 * H, 6), [B, 4 * H]);
    const c = tf.tensor2d(randomValues(B * H, 7), [B, H]);
    const before = tf.memory().numTensors;
    const inference = lstmCell(z, c);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([inference.h, inference.c]);
    const names: string[] = [];
    const profile = await tf.profile(() => {
      const { grads, value } = tf.valueAndGrads((a: tf.Tensor) => lstmCell(a as tf.Tensor2D, c).h.sum())([z]);
      tf.dispose([value, ...grads]);
    });
    for (const k of profile.kernels) names.push(k.name);
    expect(names.filter((n) => n.startsWith('StudioLstmCell'))).toEqual(['StudioLstmCell', 'StudioLstmCellGrad']);
    expect(names).not.toContain('Sigmoid');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, c]);
  });
});
