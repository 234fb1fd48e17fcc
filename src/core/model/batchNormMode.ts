import type * as tf from '@tensorflow/tfjs';
import { batchNormInferenceWithGrad, recordingGradients } from '../tf/trainingOps';

/**
 * Batch norm of a pretrained body runs in inference mode, in training too: it normalizes with its
 * running statistics, which stay as the body learned them, while its scale and shift still train.
 * This is Keras's advice for fine-tuning a pretrained model, and it is what the frozen fast path
 * already does (the head learns on features computed in inference mode), so unfreezing does not
 * change the features under the head. With batch statistics instead (fastai's way, fine with
 * ImageNet-sized batches of large pictures), fine_tune(1) on mnist_tiny went from 0.979 after the
 * frozen epoch to 0.914 (validation loss 0.047 to 0.278); in inference mode, 0.986 to 0.979
 * (loss 0.049 to 0.035). Batches here are 8 to 64 small pictures upscaled to 96 px, whose
 * statistics are far from the running ones and noisy.
 */
export function keepBatchNormInInference(layers: readonly tf.layers.Layer[]): number {
  let n = 0;
  for (const layer of layers) {
    if (layer.getClassName() !== 'BatchNormalization' || INFERENCE_ONLY.has(layer)) continue;
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => withCheapGradient(layer, inputs) ?? call(inputs, { ...kwargs, training: false });
    INFERENCE_ONLY.add(layer);
    n++;
  }
  return n;
}

/** True when `keepBatchNormInInference` has set this layer to inference mode. */
export function batchNormInInference(layer: tf.layers.Layer): boolean {
  return INFERENCE_ONLY.has(layer);
}

const INFERENCE_ONLY = new WeakSet<tf.layers.Layer>();

interface LayerVar {
  read(): tf.Tensor;
}

/** The fields of tfjs-layers' `BatchNormalization` used here (not in its public typings). */
interface BatchNormFields {
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gamma: LayerVar;
  readonly beta: LayerVar;
  readonly movingMean: LayerVar;
  readonly movingVariance: LayerVar;
}

/** The layer's inference-mode output with the cheaper gradient, while a tape records; else undefined. */
function withCheapGradient(layer: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | undefined {
  if (!recordingGradients()) return undefined;
  const bn = layer as unknown as BatchNormFields;
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!bn.center || !bn.scale || x.rank < 2 || x.rank > 4 || (bn.axis !== -1 && bn.axis !== x.rank - 1)) return undefined;
  const read = (v: LayerVar) => v.read() as tf.Tensor1D;
  return batchNormInferenceWithGrad(x, { mean: read(bn.movingMean), variance: read(bn.movingVariance), gamma: read(bn.gamma), beta: read(bn.beta), epsilon: bn.epsilon });
}
