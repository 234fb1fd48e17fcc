import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadWasmBackend, onBackend, randomValues, relativeError } from '../testing/wasm';
import { CHANNEL_GRAD_SUMS, RELU6_GRAD } from '../wasmHeapKernels';
import { KERNELS_PLAIN, KERNELS_SHARED } from './kernelsWasm';
import { setSimdKernelsEnabled, simdKernelsFor } from './simdKernels';
import { compileSimdKernels } from './testing/compileWat';
import { blockSwapSplit } from '../wasmTranspose';

beforeAll(loadWasmBackend);
afterEach(() => setSimdKernelsEnabled(true));

/** `fn` on the wasm backend with the SIMD kernels on, then off (the JavaScript loops). */
async function simdAndPlain(fn: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  setSimdKernelsEnabled(true);
  const simd = await onBackend('wasm', fn);
  setSimdKernelsEnabled(false);
  const plain = await onBackend('wasm', fn);
  return [simd, plain];
}

describe('SIMD kernels', () => {
  it('are the bytes kernels.wat compiles to (rebuild with scripts/buildSimdKernels.ts)', async () => {
    const built = await compileSimdKernels(readFileSync('src/core/tf/simd/kernels.wat', 'utf8'));
    expect(Buffer.from(built.plain).toString('base64')).toBe(KERNELS_PLAIN);
    expect(Buffer.from(built.shared).toString('base64')).toBe(KERNELS_SHARED);
  });

  it('run on the wasm backend here (so the wasm gradient tests exercise them), and not when turned off', async () => {
    await tf.setBackend('wasm');
    expect(simdKernelsFor(tf.backend())).not.toBeNull();
    setSimdKernelsEnabled(false);
    expect(simdKernelsFor(tf.backend())).toBeNull();
    await tf.setBackend('cpu');
    setSimdKernelsEnabled(true);
    expect(simdKernelsFor(tf.backend())).toBeNull();
  });

  it('relu6 gradient: the same bits as the JavaScript loop, edges, NaN, infinities and a tail of three included', async () => {
    const special = [-0, 0, 1e-45, 0.5, 5.999999, 6, 6.000001, -3, Infinity, -Infinity, NaN, 3];
    const n = 4 * 37 + 3;
    const xs = Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : Math.sin(i) * 8));
    const dys = randomValues(n, 3);
    const [simd, plain] = await simdAndPlain(() => [tf.engine().runKernel(RELU6_GRAD, { dy: tf.tensor1d(dys), x: tf.tensor1d(xs) }, {}) as tf.Tensor]);
    expect(Array.from(simd[0])).toEqual(Array.from(plain[0]));
    expect(Array.from(simd[0])).toEqual(Array.from(xs, (v, i) => (v > 0 && v <= 6 ? dys[i] : 0)));
  });

  it.each([
    [4, 1],
    [8, 31],
    [12, 33],
    [16, 100],
  ])('channel sums with %i channels over %i rows match the JavaScript loop', async (c, rows) => {
    const dy = randomValues(rows * c, 5);
    const x = randomValues(rows * c, 6).map((v) => v * 3 + 1);
    const mean = Float32Array.from({ length: c }, (_, k) => k / 4 - 1);
    const [simd, plain] = await simdAndPlain(() => [tf.engine().runKernel(CHANNEL_GRAD_SUMS, { dy: tf.tensor2d(dy, [rows, c]), x: tf.tensor2d(x, [rows, c]), mean: tf.tensor1d(mean) }, {}) as tf.Tensor]);
    expect(relativeError(simd[0], plain[0])).toBeLessThan(1e-5);
  });

  // [batch, height, width, channels, stride, pad]: MobileNet's depthwise shape, SIMD in the interior, JavaScript at the row ends.
  it.each([
    [2, 16, 16, 16, 1, 'same'],
    [2, 17, 15, 8, 2, 'same'],
    [1, 9, 12, 4, 2, 'valid'],
    [3, 3, 3, 12, 1, 'valid'],
  ] as const)('depthwise filter gradient (batch %i, %ix%i, %i channels, stride %i, %s) matches the JavaScript loop and CPU', async (b, h, w, c, stride, pad) => {
    const x = tf.tensor4d(randomValues(b * h * w * c, 1), [b, h, w, c]);
    const outShape = tf.tidy(() => tf.depthwiseConv2d(x, tf.zeros([3, 3, c, 1]) as tf.Tensor4D, stride, pad).shape);
    const dy = randomValues(
      outShape.reduce((p, q) => p * q),
      2,
    );
    const grad = () => [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(x.dataSync(), x.shape), dy: tf.tensor(dy, outShape) }, { strides: stride, pad, filterShape: [3, 3, c, 1], dilations: 1 }) as tf.Tensor,
    ];
    const [simd, plain] = await simdAndPlain(grad);
    const [cpu] = await onBackend('cpu', grad);
    x.dispose();
    expect(relativeError(simd[0], plain[0])).toBeLessThan(1e-5);
    expect(relativeError(simd[0], cpu)).toBeLessThan(1e-5);
  });

  it('finds the block swaps among permutations', () => {
    expect(
      [
        [1, 0],
        [2, 0, 1],
        [1, 2, 0],
        [3, 0, 1, 2],
        [0, 1],
        [0, 2, 1],
        [1, 0, 2],
        [2, 1, 0],
      ].map(blockSwapSplit),
    ).toEqual([1, 2, 1, 3, -1, -1, -1, -1]);
  });

  // [shape, perm]: block swaps with sides of multiples of 4 (SIMD), others (the stock kernel), and empty ones.
  it.each([
    [
      [8, 12],
      [1, 0],
    ],
    [
      [132, 4],
      [1, 0],
    ],
    [
      [2, 4, 4, 8],
      [3, 0, 1, 2],
    ],
    [
      [4, 4, 3],
      [1, 2, 0],
    ],
    [
      [6, 10],
      [1, 0],
    ],
    [
      [4, 6, 8],
      [0, 2, 1],
    ],
    [
      [0, 8],
      [1, 0],
    ],
    [
      [8, 0],
      [1, 0],
    ],
  ] as const)('transpose of %j by %j matches CPU, SIMD on and off', async (shape, perm) => {
    const x = randomValues(
      shape.reduce((a, b) => a * b, 1),
      4,
    );
    const run = () => [tf.transpose(tf.tensor(x, [...shape]), [...perm])];
    const [simd, plain] = await simdAndPlain(run);
    const [cpu] = await onBackend('cpu', run);
    expect(Array.from(simd[0])).toEqual(Array.from(cpu));
    expect(Array.from(plain[0])).toEqual(Array.from(cpu));
  });
});
