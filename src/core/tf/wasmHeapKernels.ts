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

/** `out[i] = dy[i]` where `0 < x[i] <= 6`, else 0: the gradient of relu(x) clipped to [0, 6]. */
export function relu6GradInto(dy: Float32Array, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = v > 0 && v <= 6 ? dy[i] : 0;
  }
}

/** Row 0: sum of dy per channel; row 1: sum of dy * (x - mean) per channel (float64 accumulators). */
export function channelGradSumsInto(dy: Float32Array, x: Float32Array, mean: Float32Array, out: Float32Array): void {
  const c = mean.length;
  const s0 = new Float64Array(c);
  const s1 = new Float64Array(c);
  for (let i = 0; i < dy.length; i += c) {
    for (let k = 0; k < c; k++) {
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
