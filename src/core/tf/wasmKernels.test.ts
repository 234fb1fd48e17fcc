import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCpuResizeGrad } from './cpuResizeGrad';
import { loadWasmBackend, onBackend, randomValues, relativeError } from './testing/wasm';
import { CHANNEL_GRAD_SUMS, RELU6_GRAD } from './wasmHeapKernels';
import { WASM_MISSING_KERNELS, installWasmTrainingKernels } from './wasmKernels';

// The stock CPU kernels (no installFastCpuKernels here) are the reference.
beforeAll(loadWasmBackend);

type Pad = 'same' | 'valid';

/** d/dx and d/dw of sum(op(x, w) * dy) on one backend: exactly the two backprop kernels for upstream dy. */
async function convGrads(backend: 'cpu' | 'wasm', op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, xShape: number[], wShape: number[]) {
  return onBackend(backend, () => {
    const x = tf.tensor4d(
      randomValues(
        xShape.reduce((a, b) => a * b),
        1,
      ),
      xShape as [number, number, number, number],
    );
    const w = tf.tensor4d(
      randomValues(
        wShape.reduce((a, b) => a * b),
        2,
      ),
      wShape as [number, number, number, number],
    );
    const outShape = tf.tidy(() => op(x, w).shape);
    const dy = tf.tensor(
      randomValues(
        outShape.reduce((a, b) => a * b),
        3,
      ),
      outShape,
    );
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      op(a as tf.Tensor4D, b as tf.Tensor4D)
        .mul(dy)
        .sum(),
    )([x, w]);
    return [dx, dw];
  });
}

describe('wasm Conv2DBackpropFilter and Conv2DBackpropInput', () => {
  // [batch, height, width, inC, outC, kernel, stride, pad]
  it.each([
    [2, 7, 7, 3, 4, 3, 1, 'same'],
    [2, 7, 7, 3, 4, 3, 2, 'same'],
    [3, 9, 8, 5, 6, 3, 2, 'valid'],
    [2, 6, 6, 3, 4, 3, 1, 'valid'],
    [1, 8, 8, 4, 2, 1, 2, 'same'],
    [2, 5, 5, 3, 3, 1, 1, 'valid'],
    [2, 11, 10, 2, 3, 5, 2, 'same'],
    [2, 10, 10, 4, 8, 2, 2, 'same'],
    [4, 13, 13, 3, 4, 3, 3, 'valid'],
    // Pointwise (1x1, stride 1): a matrix product over the pixels.
    [3, 7, 5, 6, 5, 1, 1, 'same'],
    [1, 9, 11, 1, 7, 1, 1, 'valid'],
    [4, 16, 16, 24, 40, 1, 1, 'same'],
  ] as const)('matches CPU (batch %i, %ix%i, %i->%i channels, kernel %i, stride %i, %s)', async (b, h, w, ci, co, k, stride, pad) => {
    const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.conv2d(x, f, stride, pad as Pad);
    const [wasmDx, wasmDw] = await convGrads('wasm', op, [b, h, w, ci], [k, k, ci, co]);
    const [cpuDx, cpuDw] = await convGrads('cpu', op, [b, h, w, ci], [k, k, ci, co]);
    expect(relativeError(wasmDw, cpuDw)).toBeLessThan(1e-5);
    expect(relativeError(wasmDx, cpuDx)).toBeLessThan(1e-5);
  });

  it('matches CPU on a larger image, where dy is a 64x64 filter of the swapped conv', async () => {
    const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.conv2d(x, f, 1, 'same');
    const [wasmDx, wasmDw] = await convGrads('wasm', op, [3, 64, 64, 16], [3, 3, 16, 8]);
    const [cpuDx, cpuDw] = await convGrads('cpu', op, [3, 64, 64, 16], [3, 3, 16, 8]);
    expect(relativeError(wasmDw, cpuDw)).toBeLessThan(1e-5);
    expect(relativeError(wasmDx, cpuDx)).toBeLessThan(1e-5);
  });
});

describe('wasm depthwise conv gradients', () => {
  // [batch, height, width, inC, multiplier, kernel, stride, pad]
  it.each([
    [2, 7, 7, 3, 1, 3, 1, 'same'],
    [2, 8, 7, 4, 2, 3, 2, 'same'],
    [3, 9, 9, 2, 3, 3, 2, 'valid'],
    [1, 6, 6, 3, 1, 5, 1, 'valid'],
    [2, 10, 9, 2, 1, 2, 2, 'same'],
    [2, 12, 12, 3, 2, 3, 3, 'same'],
    // MobileNet's shape (3x3, multiplier 1, channels a multiple of 4): the heap loop, its row ends included.
    [2, 9, 9, 8, 1, 3, 1, 'same'],
    [2, 10, 9, 4, 1, 3, 2, 'same'],
    [3, 11, 12, 8, 1, 3, 2, 'valid'],
    [2, 6, 2, 4, 1, 3, 1, 'same'],
    [1, 3, 3, 12, 1, 3, 2, 'same'],
  ] as const)('match CPU (batch %i, %ix%i, %i channels x%i, kernel %i, stride %i, %s)', async (b, h, w, ci, m, k, stride, pad) => {
    const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.depthwiseConv2d(x, f, stride, pad as Pad);
    const [wasmDx, wasmDw] = await convGrads('wasm', op, [b, h, w, ci], [k, k, ci, m]);
    const [cpuDx, cpuDw] = await convGrads('cpu', op, [b, h, w, ci], [k, k, ci, m]);
    expect(relativeError(wasmDw, cpuDw)).toBeLessThan(1e-5);
    expect(relativeError(wasmDx, cpuDx)).toBeLessThan(1e-5);
  });
});

describe('wasm MaxPoolGrad', () => {
  // [batch, height, width, channels, pool, stride, pad, value shift]: the stock kernel fails on windows with no positive value.
  it.each([
    [2, 8, 8, 3, 2, 2, 'valid', 0],
    [2, 8, 8, 3, 3, 2, 'same', -3],
    [2, 9, 9, 4, 3, 1, 'same', -3],
    [1, 7, 7, 2, 3, 2, 'same', 3],
    [3, 6, 5, 2, 2, 2, 'same', 0.5],
  ] as const)('matches CPU (batch %i, %ix%i, %i channels, pool %i, stride %i, %s, values shifted by %d)', async (b, h, w, c, k, stride, pad, shift) => {
    const n = b * h * w * c;
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () => {
        const x = tf.tensor4d(
          randomValues(n, 7).map((v) => v + shift),
          [b, h, w, c],
        );
        const outShape = tf.tidy(() => tf.maxPool(x, k, stride, pad as Pad).shape);
        const dy = tf.tensor(
          randomValues(
            outShape.reduce((p, q) => p * q),
            8,
          ),
          outShape,
        );
        return [
          tf.grad((a: tf.Tensor) =>
            tf
              .maxPool(a as tf.Tensor4D, k, stride, pad as Pad)
              .mul(dy)
              .sum(),
          )(x),
        ];
      });
    const [[wasm], [cpu]] = [await run('wasm'), await run('cpu')];
    // Overlapping windows add into one element in another order: equal up to float rounding.
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
  });

  it('keeps all-zero windows after a ReLU inside their window, so the ReLU zeroes them as on CPU', async () => {
    // The stock kernel sent such a window's gradient to element 0 of the tensor, a positive value here.
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () => {
        const x = tf.tensor4d(randomValues(2 * 6 * 6 * 3, 9), [2, 6, 6, 3]).add(tf.tensor1d([0.8, 0, -0.8]));
        return [tf.grad((a: tf.Tensor) => tf.maxPool(a.relu() as tf.Tensor4D, 3, 2, 'same').sum())(x)];
      });
    const [[wasm], [cpu]] = [await run('wasm'), await run('cpu')];
    expect(cpu.some((v) => v === 0)).toBe(true);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
  });
});

describe('wasm kernels the U-Net relies on as shipped', () => {
  it('ResizeNearestNeighborGrad (upSampling2d) matches the corrected CPU kernel at batch > 1', async () => {
    installCpuResizeGrad();
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () => {
        const x = tf.tensor4d(randomValues(3 * 5 * 4 * 2, 10), [3, 5, 4, 2]);
        const dy = tf.tensor4d(randomValues(3 * 10 * 8 * 2, 11), [3, 10, 8, 2]);
        return [
          tf.grad((a: tf.Tensor) =>
            tf.image
              .resizeNearestNeighbor(a as tf.Tensor4D, [10, 8])
              .mul(dy)
              .sum(),
          )(x),
        ];
      });
    const [[wasm], [cpu]] = [await run('wasm'), await run('cpu')];
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
  });
});

describe('wasm Tile', () => {
  it.each([
    ['a batch-norm broadcast', [1, 1, 1, 5], [3, 4, 6, 1]],
    ['a middle axis', [2, 1, 3], [1, 4, 1]],
    ['a real tile (falls back)', [2, 3], [2, 3]],
  ] as const)('matches CPU for %s', async (_, shape, reps) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const run = (backend: 'cpu' | 'wasm') => onBackend(backend, () => [tf.tile(tf.tensor(randomValues(n, 6), [...shape]), [...reps])]);
    const [[wasm], [cpu]] = [await run('wasm'), await run('cpu')];
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
});

describe('wasm comparisons', () => {
  it.each([
    ['Equal', tf.equal, [3, 4, 5, 6], [3, 1, 1, 6]],
    ['Equal', tf.equal, [1, 6], [4, 1]],
    ['Greater', tf.greater, [2, 3, 4], [4]],
    ['LessEqual', tf.lessEqual, [5], [2, 5]],
  ] as const)('%s broadcasts as on CPU (%j with %j)', async (_, op, aShape, bShape) => {
    const size = (s: readonly number[]) => s.reduce((p, q) => p * q, 1);
    // Rounded values so that many compare equal; b is a (broadcast) slice of the same values.
    const values = (n: number, seed: number) => randomValues(n, seed).map((v) => Math.round(v * 2) / 2);
    const run = (backend: 'cpu' | 'wasm') => onBackend(backend, () => [tf.cast(op(tf.tensor(values(size(aShape), 12), [...aShape]), tf.tensor(values(size(bShape), 13), [...bShape])), 'float32')]);
    const [[wasm], [cpu]] = [await run('wasm'), await run('cpu')];
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
});

describe('wasm Slice and SplitV', () => {
  it.each([
    ['a 1-D run', [513], [100], [300]],
    ['a zero-padding gradient (rows and columns cut)', [3, 9, 9, 5], [0, 0, 0, 0], [3, 8, 8, 5]],
    ['every axis cut', [4, 5, 6, 7], [1, 2, 3, 1], [2, 3, 2, 5]],
    ['short runs (the last axis cut)', [6, 40, 3], [1, 0, 1], [4, 40, 1]],
    ['rank 5 with whole trailing axes', [2, 3, 4, 5, 6], [1, 1, 0, 0, 0], [1, 2, 4, 5, 6]],
    ['the whole tensor', [3, 4], [0, 0], [3, 4]],
    ['an empty box', [3, 4], [1, 0], [0, 4]],
  ] as const)('Slice matches CPU for %s', async (_, shape, begin, size) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () => {
        const x = tf.tensor(randomValues(n, 14), [...shape]);
        return [tf.slice(x, [...begin], [...size]), tf.cast(tf.slice(x.greater(0), [...begin], [...size]), 'float32'), tf.cast(tf.slice(x.mul(100).cast('int32'), [...begin], [...size]), 'float32')];
      });
    const [wasm, cpu] = [await run('wasm'), await run('cpu')];
    for (let i = 0; i < cpu.length; i++) expect(Array.from(wasm[i])).toEqual(Array.from(cpu[i]));
  });

  it.each([
    ['a flat vector into parameter-sized pieces', [1000], [10, 300, 1, 689], 0],
    ['a middle axis', [3, 10, 4], [2, 5, 3], 1],
    ['the last axis', [5, 6], [1, 4, 1], -1],
  ] as const)('SplitV matches CPU for %s', async (_, shape, sizes, axis) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const run = (backend: 'cpu' | 'wasm') => onBackend(backend, () => tf.split(tf.tensor(randomValues(n, 15), [...shape]), [...sizes], axis));
    const [wasm, cpu] = [await run('wasm'), await run('cpu')];
    expect(wasm.map((a) => Array.from(a))).toEqual(cpu.map((a) => Array.from(a)));
  });
});

describe('wasm FusedBatchNorm', () => {
  it.each([
    ['NHWC with scale and offset', [2, 5, 4, 6], true, true, 0],
    ['a dense layer without scale', [7, 10], false, true, 0],
    ['no scale and no offset', [3, 4, 5], false, false, 0],
    ['a mean far from zero (x - mean first)', [2, 3, 3, 4], true, true, 1000],
  ] as const)('matches CPU for %s', async (_, shape, withScale, withOffset, shift) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const c = shape[shape.length - 1];
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () => {
        const x = tf.tensor(randomValues(n, 16), [...shape]).add(shift);
        const mean = tf.tensor1d(randomValues(c, 17)).add(shift);
        const variance = tf.tensor1d(randomValues(c, 18)).abs().add(0.1);
        const offset = withOffset ? tf.tensor1d(randomValues(c, 19)) : undefined;
        const scale = withScale ? tf.tensor1d(randomValues(c, 20)) : undefined;
        return [tf.batchNorm(x, mean, variance, offset, scale, 1e-3)];
      });
    const [[wasm], [cpu]] = [await run('wasm'), await run('cpu')];
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-5);
  });
});

describe('wasm Identity', () => {
  it('shares memory with its input: either can be freed first, and the memory goes with the last', async () => {
    await tf.setBackend('wasm');
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor2d(randomValues(12, 21), [3, 4]);
    const expected = Array.from(x.dataSync());
    const copy = tf.clone(x);
    const another = tf.clone(copy);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual(expected);
    copy.dispose();
    expect(Array.from(another.dataSync())).toEqual(expected);
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    another.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});

describe('installWasmTrainingKernels', () => {
  it('is idempotent and registers every kernel for wasm', () => {
    installWasmTrainingKernels();
    installWasmTrainingKernels();
    for (const k of WASM_MISSING_KERNELS) expect(tf.getKernel(k.kernelName, 'wasm')).toBeDefined();
  });

  it('frees every intermediate its kernels make', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(randomValues(2 * 9 * 9 * 3, 4), [2, 9, 9, 3]).sub(1) as tf.Tensor4D;
    const f = tf.tensor4d(randomValues(3 * 3 * 3 * 2, 5), [3, 3, 3, 2]);
    const fConv = tf.ones([3, 3, 3, 4]);
    const dy = tf.ones([2, 5, 5, 6]);
    const dyConv = tf.ones([2, 5, 5, 4]);
    const dyPool = tf.ones([2, 5, 5, 3]);
    const row = tf.ones([1, 1, 1, 3]);
    const conv = { strides: 2, pad: 'same', dilations: 1, dataFormat: 'NHWC' };
    const run = () => {
      const out = [
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dyConv }, { ...conv, filterShape: [3, 3, 3, 4] }),
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyConv, filter: fConv }, { ...conv, inputShape: [2, 9, 9, 3] }),
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...conv, filterShape: [3, 3, 3, 2] }),
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...conv, inputShape: [2, 9, 9, 3] }),
        tf.engine().runKernel('MaxPoolGrad', { dy: dyPool, input: x, output: dyPool }, { filterSize: 3, strides: 2, pad: 'same' }),
        tf.engine().runKernel('Tile', { x: row }, { reps: [2, 4, 4, 1] }),
        tf.engine().runKernel('Conv2DBackpropFilter', { x: dyConv, dy: dyConv }, { ...conv, strides: 1, filterShape: [1, 1, 4, 4] }),
        tf.engine().runKernel('Equal', { a: dyPool, b: row }),
        tf.engine().runKernel(RELU6_GRAD, { dy: dyPool, x: dyPool }),
        tf.engine().runKernel(CHANNEL_GRAD_SUMS, { dy: dyPool, x: dyPool, mean: row.reshape([3]) }),
        tf.engine().runKernel('FusedBatchNorm', { x: dyPool, mean: row, variance: row, offset: row, scale: row }, { varianceEpsilon: 1e-3 }),
        ...(tf.engine().runKernel('SplitV', { x: dyPool }, { numOrSizeSplits: [2, 3], axis: 1 }) as tf.Tensor[]),
      ] as tf.Tensor[];
      tf.dispose(out);
    };
    run();
    const before = tf.engine().backend.numDataIds();
    run();
    run();
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([x, f, fConv, dy, dyConv, dyPool, row]);
  });
});
