import * as tf from '@tensorflow/tfjs';
import { batchNormTrainingWithGrad, recordingGradients, relu6WithGrad } from '../tf/trainingOps';
import { batchNormInInference } from './batchNormMode';

/**
 * Cheaper training steps for the same model: while a gradient tape records, some layers compute
 * the same values through ops whose gradients cost less, and outside it (inference, validation)
 * they run exactly as tfjs-layers wrote them.
 * - `Conv2D` with a linear activation: tfjs-layers calls `tf.fused.conv2d`, whose gradient
 *   always computes both the input and the filter gradient, even for a frozen layer or the
 *   picture. The plain `tf.conv2d` (+ bias, activation) gives the same values and lets the tape
 *   compute only the gradients it needs: a frozen body skips every filter gradient.
 * - `ReLU` with max value 6 (MobileNet's ReLU6): relu then clip to [0, 6] becomes one op with a
 *   one-pass gradient (`relu6WithGrad`).
 * - `BatchNormalization` in training mode (batch statistics: the models built from scratch): one
 *   op from the moments to the output, with the whole gradient in one pass over the activation
 *   for its sums and four full-size kernels (`batchNormTrainingWithGrad`); the running averages
 *   are updated as tfjs-layers does. Batch norm kept in inference mode has its own
 *   (`batchNormMode.ts`).
 */

interface LayerVar {
  read(): tf.Tensor;
}

/** The fields of tfjs-layers' `Conv2D` used here (not in its public typings). */
interface ConvFields {
  readonly rank: number;
  readonly kernel: LayerVar;
  readonly bias: LayerVar | null;
  readonly strides: number[];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilationRate: number | number[];
  readonly activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

const PATCHED = new WeakSet<tf.layers.Layer>();

function oneTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function patchConv(layer: tf.layers.Layer): boolean {
  const conv = layer as unknown as ConvFields;
  if (conv.rank !== 2 || conv.dataFormat !== 'channelsLast' || conv.padding === 'causal' || conv.activation?.getClassName() !== 'linear') return false;
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    if (!recordingGradients()) return call(inputs, kwargs);
    return tf.tidy(() => {
      const y = tf.conv2d(oneTensor(inputs) as tf.Tensor4D, conv.kernel.read() as tf.Tensor4D, conv.strides as [number, number], conv.padding as 'same' | 'valid', 'NHWC', conv.dilationRate as [number, number]);
      return conv.bias ? tf.add(y, conv.bias.read()) : y;
    });
  };
  return true;
}

function patchRelu6(layer: tf.layers.Layer): boolean {
  if ((layer as unknown as { maxValue?: number }).maxValue !== 6) return false;
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => (recordingGradients() ? relu6WithGrad(oneTensor(inputs)) : call(inputs, kwargs));
  return true;
}

/** The fields of tfjs-layers' `BatchNormalization` used here (not in its public typings). */
interface BatchNormFields {
  readonly axis: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gamma: LayerVar;
  readonly beta: LayerVar;
  readonly movingMean: LayerVar & { write(v: tf.Tensor): void };
  readonly movingVariance: LayerVar & { write(v: tf.Tensor): void };
}

function patchBatchNormTraining(layer: tf.layers.Layer): boolean {
  const bn = layer as unknown as BatchNormFields;
  if (!bn.center || !bn.scale || batchNormInInference(layer)) return false;
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const x = oneTensor(inputs);
    const lastAxis = bn.axis === -1 || bn.axis === x.rank - 1;
    if (!recordingGradients() || !kwargs?.training || batchNormInInference(layer) || !lastAxis || x.rank < 2 || x.rank > 4) return call(inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTrainingWithGrad(x, bn.gamma.read() as tf.Tensor1D, bn.beta.read() as tf.Tensor1D, bn.epsilon);
      // tfjs-layers' running averages: moving -= (moving - batch) * (1 - momentum).
      for (const [v, batch] of [
        [bn.movingMean, mean],
        [bn.movingVariance, variance],
      ] as const)
        tf.tidy(() => {
          const moving = v.read();
          v.write(tf.sub(moving, tf.mul(tf.sub(moving, batch), 1 - bn.momentum)));
        });
      return y;
    });
  };
  return true;
}

/**
 * Swaps the cheaper training ops into `layers` (idempotent); returns how many layers changed.
 * @example useFastGradients(model.layers);
 */
export function useFastGradients(layers: readonly tf.layers.Layer[]): number {
  let n = 0;
  for (const layer of layers) {
    if (PATCHED.has(layer)) continue;
    const cls = layer.getClassName();
    const done = cls === 'Conv2D' ? patchConv(layer) : cls === 'ReLU' ? patchRelu6(layer) : cls === 'BatchNormalization' ? patchBatchNormTraining(layer) : false;
    if (!done) continue;
    PATCHED.add(layer);
    n++;
  }
  return n;
}
