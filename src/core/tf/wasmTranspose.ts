import type * as tf from '@tensorflow/tfjs';
import { heapOffset, simdKernelsFor } from './simd/simdKernels';

/**
 * `Transpose` for the wasm backend: a permutation that swaps two blocks of axes (`[k..r-1,
 * 0..k-1]`, a matrix transpose of `[prod(shape[:k]), prod(shape[k:])]`, as the pointwise conv's
 * filter gradient and the LSTM's time-major layout ask) runs the SIMD `transpose2d` when both
 * sides are multiples of 4; every other permutation, and engines without SIMD, the stock kernel.
 * The stock kernel writes a float at a time: 16 ms for a [65536, 16] matrix, against about 1 ms.
 */

type Args = Parameters<tf.KernelFunc>[0];

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** k where `perm` is `[k, ..., r-1, 0, ..., k-1]` with 0 < k < r, else -1. */
export function blockSwapSplit(perm: readonly number[]): number {
  const k = perm[0];
  if (!(k > 0 && k < perm.length)) return -1;
  return perm.every((p, i) => p === (i + k) % perm.length) ? k : -1;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Wraps the stock wasm `Transpose` (`original`). */
export function transposeWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const split = x.dtype === 'float32' ? blockSwapSplit(perm) : -1;
    const rows = product(x.shape.slice(0, Math.max(split, 0)));
    const cols = product(x.shape.slice(Math.max(split, 0)));
    const simd = split > 0 && rows % 4 === 0 && cols % 4 === 0 ? simdKernelsFor(args.backend) : null;
    if (!simd) return original(args);
    const out = (args.backend as unknown as HeapBackend).makeOutput(
      perm.map((p) => x.shape[p]),
      'float32',
    );
    simd.transpose2d(heapOffset(args.backend, x), heapOffset(args.backend, out), rows, cols);
    return out;
  };
}
