/**
 * A matrix product whose gradient is fast on tfjs's wasm backend.
 *
 * Measured in Node on tfjs-backend-wasm 4.22 (2 cores): a product with `transposeA` or
 * `transposeB` set runs 7-12x slower than the same product on explicitly transposed operands
 * ([1280, 64] x [64, 3144]: 504 ms with transposeB, 73 ms plain, the transpose itself 3 ms).
 * tfjs's gradient of `matMul` is written with those flags (dA = dy B^T, dB = A^T dy), so every
 * backward pass of the LSTM and the decoder took the slow path. Here the gradient transposes
 * first and multiplies plainly; on other backends the stock `tf.matMul` is used as it is.
 */
import * as tf from '@tensorflow/tfjs';

/** `a [M, K] x b [K, N]` with a backward pass made of untransposed products. */
const plainGradMatMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const a = args[0] as tf.Tensor2D;
  const b = args[1] as tf.Tensor2D;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor2D;
      // dA = dy B^T, dB = A^T dy, with the transposes as their own (cheap) ops.
      return [tf.matMul(g, tf.transpose(sb)), tf.matMul(tf.transpose(sa), g)];
    },
  };
});

/**
 * `tf.matMul(a, b)` for 2-D operands, with a wasm-friendly gradient on the wasm backend.
 * @example matMul2d(h, w) // [B, N] from h [B, K] and w [K, N]
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b);
  return plainGradMatMul(a, b) as tf.Tensor2D;
}
