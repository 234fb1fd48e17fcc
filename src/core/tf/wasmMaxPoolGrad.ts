import * as tf from '@tensorflow/tfjs';
import { withWasmScope } from './wasmScope';

type Args = Parameters<tf.KernelFunc>[0];

/**
 * Wraps the wasm `MaxPoolGrad`, whose C++ starts each window's running max at 0 instead of
 * -infinity: a window whose values are all <= 0 sends its gradient to element 0 of the tensor
 * instead of to its max (measured on tfjs-backend-wasm 4.22; `MaxPoolWithArgmax` has the same
 * flaw). The argmax does not change when a constant is added, so when the input has values <= 0
 * the original runs on `x + (1 - min(x))`, where every value is >= 1. Rounding in that shift can
 * only merge values closer than one float step, which then tie (the first wins, as on CPU).
 */
export function positiveMaxPoolGradWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { input } = args.inputs as { input: tf.TensorInfo };
    const backend = args.backend as tf.KernelBackend;
    if (input.dtype !== 'float32' || input.shape.some((d) => d === 0)) return original(args);
    return withWasmScope(backend, (s) => {
      const min = s.run('Min', { x: input }, { axis: input.shape.map((_, i) => i), keepDims: false });
      // A 4-byte read from wasm memory: cheap, and it keeps already-positive inputs exact.
      const lowest = (backend.readSync(min.dataId) as Float32Array)[0];
      if (lowest > 0) return original(args) as tf.TensorInfo;
      const shift = s.run('Fill', {}, { shape: [], value: 1 - lowest, dtype: 'float32' });
      const positive = s.run('Add', { a: input, b: shift });
      return original({ ...args, inputs: { ...args.inputs, input: positive } }) as tf.TensorInfo;
    });
  };
}
