/**
 * One LSTM layer on raw tf ops, so that the AWD-LSTM can drop weights of its hidden-to-hidden
 * matrix (`tf.layers.lstm` offers no hook for that) and carry its state from batch to batch.
 * Weights use Keras's layout and gate order (i, f, c, o; kernel `[in, 4H]`, recurrent kernel
 * `[H, 4H]`, bias `[4H]`), so an export can hand them to a `tf.layers.lstm` as they are.
 */
import * as tf from '@tensorflow/tfjs';
import { matMul2d } from './matMul';

/** The trainable tensors of one LSTM layer. */
export interface LstmWeights {
  readonly kernel: tf.Variable;
  readonly recurrent: tf.Variable;
  readonly bias: tf.Variable;
  readonly units: number;
}

/** An LSTM's state after a batch: hidden and cell values, `[B, H]` each. */
export interface LstmState {
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D;
}

/** Uniform values in [-r, r) from a seeded generator. */
function uniformTensor(shape: [number, number] | [number], r: number, rand: () => number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => (2 * rand() - 1) * r),
    shape,
  );
}

/**
 * A layer's weights, initialised as PyTorch's `nn.LSTM` (uniform in +-1/sqrt(H)), with the
 * forget gate's bias at 1 so that early in training the state is kept rather than forgotten
 * (Jozefowicz et al. 2015; Keras's `unitForgetBias`).
 */
export function makeLstmWeights(inputSize: number, units: number, name: string, rand: () => number): LstmWeights {
  const r = 1 / Math.sqrt(units);
  const bias = new Float32Array(4 * units);
  bias.fill(1, units, 2 * units);
  return {
    kernel: tf.variable(uniformTensor([inputSize, 4 * units], r, rand), true, `${name}/kernel`),
    recurrent: tf.variable(uniformTensor([units, 4 * units], r, rand), true, `${name}/recurrent_kernel`),
    bias: tf.variable(tf.tensor1d(bias), true, `${name}/bias`),
    units,
  };
}

/** A zero state for a batch of `batch` rows. */
export function zeroState(batch: number, units: number): LstmState {
  return { h: tf.zeros([batch, units]), c: tf.zeros([batch, units]) };
}

/**
 * Runs the layer over a sequence given as one `[B, in]` tensor per time step and returns one
 * `[B, H]` output per step and the final state. Steps stay separate tensors from layer to layer
 * because on tfjs-backend-wasm 4.22 every `Slice` (and so `split`, `unstack`, and the gradient of
 * `concat` and `stack`) first copies its whole input out of the wasm heap: cutting a `[T * B, 4H]`
 * projection into T steps copies it T times, which took 20% of a training step. Per step:
 * z = x_t W + h W_r + b; c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c).
 * `recurrent` is the (possibly weight-dropped) hidden-to-hidden matrix.
 */
export function runLstm(xs: readonly tf.Tensor2D[], w: LstmWeights, recurrent: tf.Tensor2D, state: LstmState): { outs: tf.Tensor2D[]; state: LstmState } {
  let { h, c } = state;
  const outs: tf.Tensor2D[] = [];
  for (const xt of xs) {
    const z = matMul2d(xt, w.kernel as tf.Tensor2D)
      .add(matMul2d(h, recurrent))
      .add(w.bias);
    const [i, f, g, o] = tf.split(z, 4, 1);
    c = tf
      .sigmoid(f)
      .mul(c)
      .add(tf.sigmoid(i).mul(tf.tanh(g))) as tf.Tensor2D;
    h = tf.sigmoid(o).mul(tf.tanh(c)) as tf.Tensor2D;
    outs.push(h);
  }
  return { outs, state: { h, c } };
}
