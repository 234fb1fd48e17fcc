import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, seededRandom, setWasmFileUrls, type WasmFileUrls } from './backend';
import { installFastCpuKernels } from './cpuKernels';

describe('chooseBackend', () => {
  it('falls back to cpu in Node and says why', async () => {
    const choice = await chooseBackend(['webgpu', 'cpu']);
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.tried[0].name).toBe('webgpu');
    expect(choice.tried[0].error).toBeTruthy();
    expect(choice.reason).toMatch(/cpu runs because webgpu/);
  });

  it('starts wasm in Node with the training kernels it lacks', async () => {
    const root = join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    const files = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
    setWasmFileUrls(Object.fromEntries(files.map((f) => [f, root + f])) as WasmFileUrls);
    const choice = await chooseBackend(['webgpu', 'wasm', 'cpu']);
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(/wasm runs because webgpu/);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    await tf.setBackend('cpu');
  });

  it('throws a readable error when nothing works', async () => {
    await expect(chooseBackend([])).rejects.toThrow(/No tfjs backend/);
  });
});

describe('seededRandom', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

/** dW by its definition, in doubles: the reference for the fast kernel. */
function filterGradRef(x: tf.Tensor4D, dy: tf.Tensor4D, fh: number, fw: number, stride: number, top: number, left: number): Float64Array {
  const [n, h, w, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const xv = x.dataSync();
  const dv = dy.dataSync();
  const out = new Float64Array(fh * fw * ci * co);
  for (let r = 0; r < fh; r++)
    for (let c = 0; c < fw; c++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          let s = 0;
          for (let b = 0; b < n; b++)
            for (let y = 0; y < oh; y++)
              for (let q = 0; q < ow; q++) {
                const iy = y * stride + r - top;
                const ix = q * stride + c - left;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) s += xv[((b * h + iy) * w + ix) * ci + i] * dv[((b * oh + y) * ow + q) * co + o];
              }
          out[((r * fw + c) * ci + i) * co + o] = s;
        }
  return out;
}

describe('fast CPU conv filter gradient', () => {
  it.each([
    [1, 'same', 7, 3],
    [2, 'same', 7, 3],
    [2, 'same', 8, 1],
    [1, 'valid', 6, 3],
    [2, 'valid', 9, 3],
  ] as const)('matches the definition (stride %i, %s, size %i, kernel %i)', async (stride, pad, size, k) => {
    await tf.setBackend('cpu');
    installFastCpuKernels();
    const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const f = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const out = tf.conv2d(x, f, stride, pad);
    const dy = tf.randomNormal(out.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
    // d/df sum(conv(x, f) * dy) is exactly the filter gradient for upstream gradient dy.
    const grad = tf.grad((w: tf.Tensor) =>
      tf
        .conv2d(x, w as tf.Tensor4D, stride, pad)
        .mul(dy)
        .sum(),
    )(f);
    // tfjs 'same' puts the extra padding at the bottom/right: top = floor(total / 2).
    const total = Math.max((out.shape[1] - 1) * stride + k - size, 0);
    const top = pad === 'same' ? Math.floor(total / 2) : 0;
    const ref = filterGradRef(x, dy, k, k, stride, top, top);
    const got = await grad.data();
    ref.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 3));
    tf.dispose([x, f, out, dy, grad]);
  });
});
