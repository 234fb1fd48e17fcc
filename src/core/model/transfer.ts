import * as tf from '@tensorflow/tfjs';
import { createHead, type HeadOptions } from './head';
import { isFeatureMap, strideOf } from './strides';
import { countLayerParams, type GroupedModel } from './types';

/**
 * Cuts a backbone before its global pooling / flatten / classifier, as fastai's `create_body`
 * does: the new model ends at the last layer whose output is still a 4-D feature map. It shares
 * the backbone's layers and weights, and its input size is the backbone's (any size for the
 * models built here, whose input is `[null, null, 3]`).
 * @example const body = cutBackbone(await tf.loadLayersModel(url));
 */
export function cutBackbone(model: tf.LayersModel): tf.LayersModel {
  const last = [...model.layers].reverse().find(isFeatureMap);
  if (!last) throw new Error(`The model "${model.name}" has no convolutional feature map to cut at.`);
  return tf.model({ inputs: model.inputs, outputs: last.output as tf.SymbolicTensor, name: `${model.name}_body` });
}

/**
 * The body's layers grouped by the resolution of their output, largest first: one entry per
 * stage. Resolution is told by stride (see `strides.ts`), so this works whatever the input size.
 * Layers without a feature-map output (the input) are left out.
 */
export function bodyStages(body: tf.LayersModel): tf.layers.Layer[][] {
  return stagesWithStrides(body).map((s) => s.layers);
}

/** The total stride of each stage of `bodyStages`, e.g. `[2, 4, 8, 16]`. */
export function stageStrides(body: tf.LayersModel): number[] {
  return stagesWithStrides(body).map((s) => s.stride);
}

function stagesWithStrides(body: tf.LayersModel): { stride: number; layers: tf.layers.Layer[] }[] {
  const memo = new Map<number, number>();
  const byStride = new Map<number, tf.layers.Layer[]>();
  for (const layer of body.layers) {
    if (!isFeatureMap(layer)) continue;
    const s = strideOf(layer.output as tf.SymbolicTensor, memo);
    byStride.set(s, [...(byStride.get(s) ?? []), layer]);
  }
  const stages = [...byStride.entries()].sort((a, b) => a[0] - b[0]).map(([stride, layers]) => ({ stride, layers }));
  // A first stage with nothing to train (Keras's `Conv1_pad`, the input scaling) is not a stage
  // of its own: left alone it would become a layer group of zero parameters.
  if (stages.length > 1 && countLayerParams(stages[0].layers) === 0) stages[1] = { ...stages[1], layers: [...stages[0].layers, ...stages[1].layers] };
  return stages.length > 1 && countLayerParams(stages[0].layers) === 0 ? stages.slice(1) : stages;
}

/**
 * Splits stages into `n` contiguous groups with about as many stages each, shallow first, as
 * fastai's resnet split (stem + first stages | last stages).
 */
export function splitStages(stages: tf.layers.Layer[][], n: number): tf.layers.Layer[][] {
  const k = Math.min(n, stages.length);
  // Group i holds stages [floor(i * len / k), floor((i + 1) * len / k)).
  return Array.from({ length: k }, (_, i) => stages.slice(Math.floor((i * stages.length) / k), Math.floor(((i + 1) * stages.length) / k)).flat());
}

/** Options of `transferModel`. */
export interface TransferOptions extends HeadOptions {
  /** How many layer groups the body is split into (fastai's resnet split: 2). */
  readonly bodyGroups?: number;
}

/**
 * fastai's `cnn_learner` model: the backbone cut before its pooling, plus a new `createHead`.
 * Groups: [body groups..., head], so `freeze()` trains the head and `[lo, hi]` spreads over the body.
 * @example const grouped = transferModel(pretrained, 2, { hidden: 64 }); learn.freeze();
 */
export function transferModel(backbone: tf.LayersModel, numOut: number, opts: TransferOptions = {}): GroupedModel {
  const body = cutBackbone(backbone);
  const features = body.outputs[0];
  const head = createHead(features.shape[3] as number, numOut, opts);
  const model = tf.model({ inputs: body.inputs, outputs: head.apply(features), name: `${backbone.name}_transfer` });
  const bodyGroups = splitStages(bodyStages(body), opts.bodyGroups ?? 2).filter((g) => g.length > 0);
  return { model, layerGroups: [...bodyGroups, head.layers] };
}

/**
 * A point-regression model (head-pose lesson): the backbone with a head of 2 outputs, tanh by
 * default so predictions stay in the [-1, 1] coordinate range.
 */
export function pointsModel(backbone: tf.LayersModel, opts: TransferOptions = {}): GroupedModel {
  return transferModel(backbone, 2, { final: 'tanh', ...opts });
}
