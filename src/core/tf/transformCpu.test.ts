import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastCpuKernels } from './cpuKernels';
import { randomValues, relativeError } from './testing/wasm';

beforeAll(() => tf.setBackend('cpu'));

/** A different rotation, zoom, shift and perspective per image. */
function transforms(n: number): number[][] {
  return Array.from({ length: n }, (_, b) => {
    const angle = 0.3 * (b - 1);
    const zoom = 1 + 0.1 * b;
    return [zoom * Math.cos(angle), -Math.sin(angle), 2 * b - 1, Math.sin(angle), zoom * Math.cos(angle), 1 - b, 0.003 * b, -0.002 * b];
  });
}

describe('CPU Transform (augmentation resampling)', () => {
  it('resamples every image of a batch as the stock kernel does one image at a time', async () => {
    const shape: [number, number, number, number] = [3, 13, 11, 3];
    const image = () => tf.tensor4d(randomValues(3 * 13 * 11 * 3, 5), shape);
    const ts = transforms(3);
    const cases = [
      ['bilinear', 'reflect'],
      ['bilinear', 'constant'],
      ['nearest', 'reflect'],
      ['nearest', 'constant'],
    ] as const;
    // The stock kernel, one image at a time (at batch 3 it fills images 2 and 3 with the fill value).
    const stock = cases.map(([interp, fill]) =>
      tf.tidy(() => {
        const x = image();
        return tf.concat(ts.map((t, b) => tf.image.transform(tf.slice(x, [b, 0, 0, 0], [1, 13, 11, 3]) as tf.Tensor4D, tf.tensor2d([t]), interp, fill, 0.25))).dataSync();
      }),
    );
    const stockBatch = tf.tidy(() => tf.image.transform(image(), tf.tensor2d(ts), 'bilinear', 'reflect', 0.25).dataSync());
    expect(relativeError(stockBatch, stock[0])).toBeGreaterThan(0.1);
    installFastCpuKernels();
    cases.forEach(([interp, fill], k) => {
      const batch = tf.tidy(() => tf.image.transform(image(), tf.tensor2d(ts), interp, fill, 0.25).dataSync());
      expect(relativeError(batch, stock[k])).toBeLessThan(1e-5);
    });
  });
});
