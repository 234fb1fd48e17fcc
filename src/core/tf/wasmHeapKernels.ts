import type * as tf from '@tensorflow/tfjs';

/**
 * Training kernels for the wasm backend written as plain loops over its heap, for gradients the
 * stock kernels compute in many passes (each a full read and write of an activation) or slowly.
 * The loops are separate from the kernel wrappers so the CPU tests can run them on plain arrays.
 * Views of the heap are taken after the output is allocated: an allocation can grow the heap,
 * which detaches older views.
 */

import { heapOffset, simdKernelsFor, withHeapDoubles } from './simd/simdKernels';

type Args = Parameters<tf.KernelFunc>[0];

/** What these kernels use of tfjs-backend-wasm's `BackendWasm`. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Studio kernel: the gradient of relu6 (ReLU with max value 6): dy where 0 < x <= 6, else 0. */
export const RELU6_GRAD = 'StudioRelu6Grad';
/**
 * Studio kernel: per-channel sums of an NHWC gradient for batch norm's scale and shift:
 * `[2, C]`, row 0 sum(dy), row 1 sum(dy * (x - mean)), over every axis but the last.
 */
export const CHANNEL_GRAD_SUMS = 'StudioChannelGradSums';

/** The bits of 6.0f: positive floats order as their bits do, read as int32. */
const SIX_BITS = 0x40c00000;

/**
 * `out[i] = dy[i]` where `0 < x[i] <= 6`, else 0: the gradient of relu(x) clipped to [0, 6].
 * Without a branch, on the floats' bits: a compare-and-select per element mispredicted on half
 * of a ReLU's inputs (37 ms for [16, 64, 64, 96]; 11 ms this way). Read as int32, x is in
 * (0, 6] exactly when 0 < bits <= SIX_BITS (negatives, -0 included, have the sign bit; NaN and
 * +Infinity lie above); the mask is all ones there and dy's bits pass unchanged.
 */
export function relu6GradInto(dy: Float32Array, x: Float32Array, out: Float32Array): void {
  const xBits = new Int32Array(x.buffer, x.byteOffset, x.length);
  const dyBits = new Int32Array(dy.buffer, dy.byteOffset, dy.length);
  const outBits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < outBits.length; i++) {
    const b = xBits[i];
    // Both signs set (b > 0 and b - SIX_BITS - 1 < 0) only inside (0, 6].
    outBits[i] = dyBits[i] & (((0 - b) & (b - SIX_BITS - 1)) >> 31);
  }
}

/**
 * Row 0: sum of dy per channel; row 1: sum of dy * (x - mean) per channel (float64 accumulators).
 * Four channels per iteration: half the time of one (18 to 11 ms for [16, 64, 64, 96]), as the
 * four accumulator updates no longer wait on each other.
 */
export function channelGradSumsInto(dy: Float32Array, x: Float32Array, mean: Float32Array, out: Float32Array): void {
  const c = mean.length;
  const c4 = c - (c % 4);
  const s0 = new Float64Array(c);
  const s1 = new Float64Array(c);
  for (let i = 0; i < dy.length; i += c) {
    let k = 0;
    for (; k < c4; k += 4) {
      const g0 = dy[i + k];
      const g1 = dy[i + k + 1];
      const g2 = dy[i + k + 2];
      const g3 = dy[i + k + 3];
      s0[k] += g0;
      s0[k + 1] += g1;
      s0[k + 2] += g2;
      s0[k + 3] += g3;
      s1[k] += g0 * (x[i + k] - mean[k]);
      s1[k + 1] += g1 * (x[i + k + 1] - mean[k + 1]);
      s1[k + 2] += g2 * (x[i + k + 2] - mean[k + 2]);
      s1[k + 3] += g3 * (x[i + k + 3] - mean[k + 3]);
    }
    for (; k < c; k++) {
      const g = dy[i + k];
      s0[k] += g;
      s1[k] += g * (x[i + k] - mean[k]);
    }
  }
  out.set(s0, 0);
  out.set(s1, c);
}

function f32(backend: WasmHeapBackend, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The wasm kernel of `RELU6_GRAD`: inputs dy and x (float32, same shape). */
export function relu6GradWasm({ inputs, backend }: Args): tf.TensorInfo {
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const b = backend as unknown as WasmHeapBackend;
  const out = b.makeOutput(x.shape, 'float32');
  const simd = simdKernelsFor(backend);
  // SIMD takes whole groups of four; the JavaScript loop the rest (and everything without SIMD).
  const n = simd ? f32(b, out).length : 0;
  const done = n - (n % 4);
  if (simd) simd.relu6Grad(heapOffset(b, dy), heapOffset(b, x), heapOffset(b, out), done);
  relu6GradInto(f32(b, dy).subarray(done), f32(b, x).subarray(done), f32(b, out).subarray(done));
  return out;
}

/** The wasm kernel of `CHANNEL_GRAD_SUMS`: inputs dy and x (float32, same shape, channels last), mean `[C]`. */
export function channelGradSumsWasm({ inputs, backend }: Args): tf.TensorInfo {
  const { dy, x, mean } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; mean: tf.TensorInfo };
  const b = backend as unknown as WasmHeapBackend;
  const c = mean.shape[0];
  const out = b.makeOutput([2, c], 'float32');
  const simd = c % 4 === 0 ? simdKernelsFor(backend) : null;
  if (!simd) {
    channelGradSumsInto(f32(b, dy), f32(b, x), f32(b, mean), f32(b, out));
    return out;
  }
  const pixels = f32(b, dy).length / c;
  withHeapDoubles(b, 2 * c, (acc, sums) => {
    simd.channelGradSums(heapOffset(b, dy), heapOffset(b, x), heapOffset(b, mean), acc, pixels, c);
    f32(b, out).set(sums());
  });
  return out;
}

/** The geometry of a depthwise conv, as `tf.backend_util.computeConv2DInfo(..., depthwise = true)` gives it. */
export interface DepthwiseGeometry {
  readonly batchSize: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padInfo: { readonly top: number; readonly left: number };
}

/** True for the blocked loop's shape (MobileNet's): a 3-wide filter, one output channel per input channel, channels a multiple of 4. */
export function depthwiseBlocked(g: DepthwiseGeometry): boolean {
  return g.outChannels === g.inChannels && g.filterWidth === 3 && g.inChannels % 4 === 0;
}

/** The output columns [lo, hi) whose three taps all fall inside x (blocked shapes only). */
export function depthwiseInterior(g: DepthwiseGeometry): { lo: number; hi: number } {
  const { inWidth: iw, outWidth: ow, strideWidth: sw, dilationWidth: dw } = g;
  const { left } = g.padInfo;
  const lo = Math.min(ow, Math.max(0, Math.ceil(left / sw)));
  return { lo, hi: Math.max(lo, Math.min(ow, Math.floor((iw - 1 - 2 * dw + left) / sw) + 1)) };
}

/**
 * The filter gradient of a depthwise conv, NHWC: out[r, c, i, m] = sum over (b, y, x) of
 * x[b, y*sh + r*dh - top, x*sw + c*dw - left, i] * dy[b, y, x, i*M + m] (zero outside x).
 * For each output row and filter row, a 3-wide filter's three taps on four channels are summed
 * along the row in twelve local accumulators (MobileNet's case: one channel per input channel,
 * channels a multiple of 4), then added to the float64 total; the row's ends, where a tap falls
 * outside x, and every other shape take the plain loop. With `edgesOnly`, a blocked shape's
 * interior columns are left out (a SIMD kernel sums them).
 */
export function depthwiseFilterGradInto(x: Float32Array, dy: Float32Array, g: DepthwiseGeometry, out: Float32Array, edgesOnly = false): void {
  const { inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw } = g;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = g;
  const { top, left } = g.padInfo;
  const m = co / ci;
  const acc = new Float64Array(fh * fw * co);
  const blocked = depthwiseBlocked(g);
  // Output columns whose three taps all fall inside x.
  const { lo: inLo, hi: inHi } = blocked ? depthwiseInterior(g) : { lo: 0, hi: 0 };
  /** Every tap of row r at output column ox, bounds-checked. */
  const plain = (b: number, oy: number, r: number, iy: number, ox: number) => {
    const dyAt = ((b * oh + oy) * ow + ox) * co;
    for (let c = 0; c < fw; c++) {
      const ix = ox * sw + c * dw - left;
      if (ix < 0 || ix >= iw) continue;
      const xAt = ((b * ih + iy) * iw + ix) * ci;
      const accAt = (r * fw + c) * co;
      for (let i = 0; i < ci; i++) {
        const v = x[xAt + i];
        for (let k = 0; k < m; k++) acc[accAt + i * m + k] += v * dy[dyAt + i * m + k];
      }
    }
  };
  for (let b = 0; b < g.batchSize; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let r = 0; r < fh; r++) {
        const iy = oy * sh + r * dh - top;
        if (iy < 0 || iy >= ih) continue;
        if (!blocked) {
          for (let ox = 0; ox < ow; ox++) plain(b, oy, r, iy, ox);
          continue;
        }
        for (let ox = 0; ox < inLo; ox++) plain(b, oy, r, iy, ox);
        for (let ox = inHi; ox < ow; ox++) plain(b, oy, r, iy, ox);
        if (edgesOnly) continue;
        const dyRow = (b * oh + oy) * ow * co;
        const xRow = (b * ih + iy) * iw * ci;
        const tap = dw * ci;
        const accAt = r * 3 * co;
        for (let i = 0; i < ci; i += 4) {
          let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0; // prettier-ignore
          for (let ox = inLo; ox < inHi; ox++) {
            const d = dyRow + ox * co + i;
            const g0 = dy[d];
            const g1 = dy[d + 1];
            const g2 = dy[d + 2];
            const g3 = dy[d + 3];
            const p = xRow + (ox * sw - left) * ci + i;
            const q = p + tap;
            const s = q + tap;
            a0 += x[p] * g0;
            a1 += x[p + 1] * g1;
            a2 += x[p + 2] * g2;
            a3 += x[p + 3] * g3;
            b0 += x[q] * g0;
            b1 += x[q + 1] * g1;
            b2 += x[q + 2] * g2;
            b3 += x[q + 3] * g3;
            c0 += x[s] * g0;
            c1 += x[s + 1] * g1;
            c2 += x[s + 2] * g2;
            c3 += x[s + 3] * g3;
          }
          const t0 = accAt + i;
          const t1 = t0 + co;
          const t2 = t1 + co;
          acc[t0] += a0;
          acc[t0 + 1] += a1;
          acc[t0 + 2] += a2;
          acc[t0 + 3] += a3;
          acc[t1] += b0;
          acc[t1 + 1] += b1;
          acc[t1 + 2] += b2;
          acc[t1 + 3] += b3;
          acc[t2] += c0;
          acc[t2 + 1] += c1;
          acc[t2 + 2] += c2;
          acc[t2 + 3] += c3;
        }
      }
    }
  }
  out.set(acc);
}
