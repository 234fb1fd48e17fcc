import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCpuResizeGrad } from './cpuResizeGrad';
import { randomValues, relativeError } from './testing/wasm';

beforeAll(async () => {
  await tf.setBackend('cpu');
  installCpuResizeGrad();
});

/**
 * Nearest-neighbour resizing copies input pixels, so its gradient is dy added back at each output
 * pixel's source. With distinct input values, the forward output itself says where that is.
 */
function reference(xv: Float32Array, out: Float32Array, dy: Float32Array): Float64Array {
  const where = new Map<number, number>();
  xv.forEach((v, i) => where.set(v, i));
  const ref = new Float64Array(xv.length);
  out.forEach((v, j) => (ref[where.get(v)!] += dy[j]));
  return ref;
}

describe('CPU ResizeNearestNeighborGrad', () => {
  it.each([
    ['x2, batch 3', [3, 4, 5, 2], [8, 10], false, false],
    ['3 -> 7', [2, 3, 3, 2], [7, 7], false, false],
    ['align corners', [2, 4, 3, 1], [9, 7], true, false],
    ['half-pixel centers', [2, 4, 3, 2], [9, 7], false, true],
    ['downscale', [2, 8, 6, 1], [3, 4], false, false],
  ] as const)('adds dy back at each source pixel (%s)', async (_, shape, size, alignCorners, halfPixelCenters) => {
    const xv = randomValues(
      shape.reduce((a: number, b: number) => a * b, 1),
      1,
    );
    const x = tf.tensor4d(xv, [...shape] as [number, number, number, number]);
    const resize = (a: tf.Tensor) => tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [...size] as [number, number], alignCorners, halfPixelCenters);
    const out = resize(x);
    const dy = tf.tensor(randomValues(out.size, 2), out.shape);
    const grad = tf.grad((a: tf.Tensor) => resize(a).mul(dy).sum())(x);
    const ref = reference(xv, out.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expect(relativeError(grad.dataSync(), ref)).toBeLessThan(1e-6);
    tf.dispose([x, out, dy, grad]);
  });
});
