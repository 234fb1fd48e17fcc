import * as tf from '@tensorflow/tfjs';

/**
 * Faster CPU kernels for the per-channel arithmetic of batch norm. In training, batch norm and
 * its gradient are mostly `x * gamma[c]`, `x - mean[c]` and sums over every axis but the
 * channel; the tfjs CPU backend does the broadcast with an index-to-coordinates conversion per
 * element and the reduction after a transpose, which made them ~60% of a small CNN's training
 * step. These versions walk flat arrays; every other case falls back to the original kernel.
 */

interface CpuBackendLike {
  data: { get(id: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

type BinaryFn = (a: number, b: number) => number;

const BINARY: Record<string, BinaryFn> = {
  Multiply: (a, b) => a * b,
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  RealDiv: (a, b) => a / b,
  SquaredDifference: (a, b) => (a - b) * (a - b),
};

let installed = false;

/**
 * Registers the flat-array versions of Multiply, Add, Sub, RealDiv, SquaredDifference (float32,
 * equal shapes or one operand broadcast along leading axes, e.g. `[B, H, W, C]` with `[C]` or `[1, 1, 1, C]`),
 * and Sum and Mean (float32, reducing leading axes, e.g. over B, H, W of `[B, H, W, C]`).
 * Idempotent; affects only the 'cpu' backend; results are the same up to float rounding.
 */
export function installBroadcastCpuKernels(): void {
  if (installed) return;
  for (const [name, fn] of Object.entries(BINARY)) replace(name, (args, original) => binary(args, fn) ?? original(args));
  replace('Sum', (args, original) => reduceLeading(args, false) ?? original(args));
  replace('Mean', (args, original) => reduceLeading(args, true) ?? original(args));
  installed = true;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Impl = (args: KernelArgs, original: tf.KernelFunc) => tf.TensorInfo | tf.TensorInfo[];

function replace(kernelName: string, impl: Impl): void {
  const original = tf.getKernel(kernelName, 'cpu');
  if (!original) return;
  tf.unregisterKernel(kernelName, 'cpu');
  tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc: (args) => impl(args, original.kernelFunc) });
}

/** Shape without leading 1s, so `[1, 1, 1, C]` and `[C]` read the same. */
function squeezeLeading(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/** True when `small` (leading 1s dropped) equals the trailing axes of `big`. */
function isSuffix(small: readonly number[], big: readonly number[]): boolean {
  const s = squeezeLeading(small);
  return s.length <= big.length && s.every((d, i) => d === big[big.length - s.length + i]) && small.length <= big.length;
}

/** out[i] = fn(a[i], b[i]) for equal shapes, else fn(a[i], b[i mod |b|]) (or with a broadcast): the broadcast operand repeats along leading axes. */
function binary(args: KernelArgs, fn: BinaryFn): tf.TensorInfo | null {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const backend = args.backend as unknown as CpuBackendLike;
  if (tf.util.arraysEqual(a.shape, b.shape)) {
    const av = backend.data.get(a.dataId).values;
    const bv = backend.data.get(b.dataId).values;
    const out = new Float32Array(av.length);
    for (let i = 0; i < out.length; i++) out[i] = fn(av[i], bv[i]);
    return backend.makeTensorInfo(a.shape.slice(), 'float32', out);
  }
  const sizeA = tf.util.sizeFromShape(a.shape);
  const sizeB = tf.util.sizeFromShape(b.shape);
  const aBig = sizeA >= sizeB;
  const [big, small] = aBig ? [a, b] : [b, a];
  if (sizeA === sizeB || tf.util.sizeFromShape(small.shape) === 0 || !isSuffix(small.shape, big.shape)) return null;
  const bv = backend.data.get(big.dataId).values;
  const sv = backend.data.get(small.dataId).values;
  const n = bv.length;
  const m = sv.length;
  const out = new Float32Array(n);
  if (aBig) for (let i = 0; i < n; i++) out[i] = fn(bv[i], sv[i % m]);
  else for (let i = 0; i < n; i++) out[i] = fn(sv[i % m], bv[i]);
  return backend.makeTensorInfo(big.shape.slice(), 'float32', out);
}

/** Sum (or mean) over the leading axes [0, k): out[j] = sum over i of x[i * inner + j]. */
function reduceLeading(args: KernelArgs, mean: boolean): tf.TensorInfo | null {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
  if (x.dtype !== 'float32' || x.shape.length === 0) return null;
  const axes = tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape).sort((p, q) => p - q);
  const k = axes.length;
  if (!axes.every((ax, i) => ax === i)) return null;
  const backend = args.backend as unknown as CpuBackendLike;
  const xv = backend.data.get(x.dataId).values;
  const inner = tf.util.sizeFromShape(x.shape.slice(k));
  const outer = inner === 0 ? 0 : xv.length / inner;
  const acc = new Float64Array(inner);
  for (let i = 0; i < outer; i++) {
    const off = i * inner;
    for (let j = 0; j < inner; j++) acc[j] += xv[off + j];
  }
  const out = Float32Array.from(acc, (v) => (mean ? v / outer : v));
  const shape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
  return backend.makeTensorInfo(shape, 'float32', out);
}
