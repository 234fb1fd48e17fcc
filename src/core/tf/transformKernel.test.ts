import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasmBackend, onBackend, randomValues, relativeError } from './testing/wasm';

// The reference is tfjs's CPU kernel, one image at a time: it transforms only the first image
// of a batch (the bug augment.ts works around), while the wasm replacement takes the batch.
beforeAll(loadWasmBackend);

type Interp = 'nearest' | 'bilinear';
type Fill = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** Rotation, zoom, shift, shear and a little perspective, a different one per image. */
function transforms(n: number, seed: number): number[][] {
  const r = randomValues(n * 8, seed);
  return Array.from({ length: n }, (_, b) => {
    const [a, tx, ty, sh, p0, p1, z] = Array.from(r.slice(b * 8, b * 8 + 7));
    const angle = 0.4 * a;
    const zoom = 1 + 0.2 * z;
    return [zoom * Math.cos(angle), -Math.sin(angle) + 0.1 * sh, 3 * tx, Math.sin(angle), zoom * Math.cos(angle), 3 * ty, 0.004 * p0, 0.004 * p1];
  });
}

async function both(shape: [number, number, number, number], interpolation: Interp, fillMode: Fill, outputShape?: [number, number]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const ts = transforms(shape[0], 9);
  const image = () => tf.tensor4d(randomValues(n, 8), shape);
  const [wasm] = await onBackend('wasm', () => [tf.image.transform(image(), tf.tensor2d(ts), interpolation, fillMode, 0.25, outputShape)]);
  const [cpu] = await onBackend('cpu', () => {
    const x = image();
    return [tf.concat(ts.map((t, b) => tf.image.transform(tf.slice(x, [b, 0, 0, 0], [1, ...shape.slice(1)]) as tf.Tensor4D, tf.tensor2d([t]), interpolation, fillMode, 0.25, outputShape)))];
  });
  return { wasm, cpu };
}

describe('wasm Transform (augmentation resampling)', () => {
  it.each([
    ['bilinear', 'reflect'],
    ['bilinear', 'constant'],
    ['bilinear', 'wrap'],
    ['bilinear', 'nearest'],
    ['nearest', 'reflect'],
    ['nearest', 'constant'],
  ] as const)('matches the CPU kernel image by image (%s, %s fill)', async (interpolation, fillMode) => {
    const { wasm, cpu } = await both([3, 13, 11, 3], interpolation, fillMode);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-5);
  });

  it('writes an output of another size, one transform for the whole batch', async () => {
    const shape: [number, number, number, number] = [2, 9, 9, 1];
    const x = () => tf.tensor4d(randomValues(2 * 81, 3), shape);
    const t = [[0.5, 0, 1, 0, 0.5, 1, 0, 0]];
    const [wasm] = await onBackend('wasm', () => [tf.image.transform(x(), tf.tensor2d(t), 'bilinear', 'reflect', 0, [5, 7])]);
    const [cpu] = await onBackend('cpu', () => {
      const all = x();
      return [tf.concat([0, 1].map((b) => tf.image.transform(tf.slice(all, [b, 0, 0, 0], [1, 9, 9, 1]) as tf.Tensor4D, tf.tensor2d(t), 'bilinear', 'reflect', 0, [5, 7])))];
    });
    expect(wasm.length).toBe(2 * 5 * 7);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-5);
  });
});
