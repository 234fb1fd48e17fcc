import type * as tf from '@tensorflow/tfjs';

/**
 * Training kernels for the wasm backend written as plain loops over its heap, for gradients the
 * stock kernels compute in many passes (each a full read and write of an activation) or slowly.
 * The loops are separate from the kernel wrappers so the CPU tests can run them on plain arrays.
 * Views of the heap are taken after the output is allocated: an allocation can grow the heap,
 * which detaches older views.
 */

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
  relu6GradInto(f32(b, dy), f32(b, x), f32(b, out));
  return out;
}

/** The wasm kernel of `CHANNEL_GRAD_SUMS`: inputs dy and x (float32, same shape, channels last), mean `[C]`. */
export function channelGradSumsWasm({ inputs, backend }: Args): tf.TensorInfo {
  const { dy, x, mean } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; mean: tf.TensorInfo };
  const b = backend as unknown as WasmHeapBackend;
  const out = b.makeOutput([2, mean.shape[0]], 'float32');
  channelGradSumsInto(f32(b, dy), f32(b, x), f32(b, mean), f32(b, out));
  return out;
}
