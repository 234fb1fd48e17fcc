/**
 * One LSTM layer on raw tf ops, so that the AWD-LSTM can drop weights of its hidden-to-hidden
 * matrix (`tf.layers.lstm` offers no hook for that) and carry its state from batch to batch.
 * Weights use Keras's layout and gate order (i, f, c, o; kernel `[in, 4H]`, recurrent kernel
 * `[H, 4H]`, bias `[4H]`), so an export can hand them to a `tf.layers.lstm` as they are.
 */
import * as tf from '@tensorflow/tfjs';
import { lstmCell } from './lstmCell';
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
 * `[B, H]` output per step and the final state. The input's share of every step, x_t W + b, is
 * one product over all steps (`[T * B, in]` by `[in, 4H]`) cut into steps; the recurrent share
 * and the gates (one kernel, `lstmCell.ts`) follow step by step:
 * z = x_t W + b + h W_r; c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c).
 * `recurrent` is the (possibly weight-dropped) hidden-to-hidden matrix.
 */
export function runLstm(xs: readonly tf.Tensor2D[], w: LstmWeights, recurrent: tf.Tensor2D, state: LstmState): { outs: tf.Tensor2D[]; state: LstmState } {
  let { h, c } = state;
  const joined = xs.length === 1 ? xs[0] : tf.concat([...xs], 0);
  const projected = matMul2d(joined, w.kernel as tf.Tensor2D).add(w.bias) as tf.Tensor2D;
  const inputShares = xs.length === 1 ? [projected] : tf.split(projected, xs.length, 0);
  const outs: tf.Tensor2D[] = [];
  for (const share of inputShares) {
    ({ h, c } = lstmCell(share.add(matMul2d(h, recurrent)) as tf.Tensor2D, c));
    outs.push(h);
  }
  return { outs, state: { h, c } };
}
