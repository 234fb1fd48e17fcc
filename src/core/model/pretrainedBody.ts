import * as tf from '@tensorflow/tfjs';
import type { Stats } from '../data/types';
import { adapterWeights, type BodyNormalization } from './bodyNormalization';
import { keepBatchNormInInference } from './batchNormMode';
import { isFeatureMap } from './strides';

/**
 * A pretrained model turned into a body for `cnn_learner`: cut where its features end, rebuilt
 * to take pictures of any size, and given the input scaling it was trained with.
 */

/** Name of the layer that turns the data block's normalization into the body's. */
export const INPUT_ADAPTER = 'body_input_scaling';
/** Name of the layer that scales small pictures up for the body. */
export const BODY_UPSCALE = 'body_input_upscale';

/** Layers that leave the feature map: what comes before the first of them is the body. */
const COLLAPSING = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Reshape', 'Dense']);
/** A fixed-window pooling right before a flatten is global pooling in disguise (Keras 2 MobileNetV2 at 224 px). */
const POOLING = new Set(['AveragePooling2D', 'MaxPooling2D']);

/**
 * fastai's `create_body` cut for a model it knows nothing about, as a rule on its layers:
 * 1. find the first layer, in the model's order, that leaves the 4-D feature map (global pooling,
 *    Flatten, Reshape or Dense); a plain pooling layer whose output feeds it counts as part of it;
 * 2. the body ends at the layer feeding it, so never at a classifier behind the pooling;
 * 3. a model with no such layer ends in a feature map (a "no top" model) and is all body.
 * Throws, naming the model, when none applies.
 * @example findCut(mobilenetV1) // 'conv_pw_13_relu', not 'conv_preds'
 */
export function findCut(model: tf.LayersModel): string {
  const collapse = model.layers.find((l) => COLLAPSING.has(l.getClassName()));
  if (!collapse) {
    const out = model.outputLayers[0];
    if (model.outputLayers.length === 1 && isFeatureMap(out)) return out.name;
    throw new Error(`The model "${model.name}" has no pooling, Flatten or Dense layer to cut before and does not end in a feature map: name the layer its body ends at`);
  }
  let feeding = inboundLayer(collapse);
  while (feeding && POOLING.has(feeding.getClassName())) feeding = inboundLayer(feeding);
  if (!feeding || !isFeatureMap(feeding)) throw new Error(`The model "${model.name}" has no feature map before its layer ${collapse.name}: name the layer its body ends at`);
  return feeding.name;
}

function inboundLayer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  return layer.inboundNodes[0]?.inboundLayers[0];
}

/** A layer's entry in a Keras functional config (what `toJSON` gives). */
interface LayerConfig {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[][];
}

interface ModelConfig {
  class_name: string;
  config: { name: string; layers: LayerConfig[]; input_layers: unknown[][]; output_layers: unknown[][] };
}

/** Options of `makeBody`. */
export interface BodyOptions {
  /** The layer the body ends at; `findCut`'s rule when absent. */
  readonly cut?: string;
  readonly normalization: BodyNormalization;
  /** Statistics the data block normalizes with; the input adapter undoes them. */
  readonly dataStats: Stats;
  /**
   * Integer factor the body scales its input up by (bilinear, inside the model) before its first
   * layer: ImageNet features need pictures far larger than MNIST's 28 px. 1 (none) by default.
   */
  readonly upscale?: number;
  /** Keep the topology but not the weights (fresh initial ones): what pretraining brings is then measurable. */
  readonly randomInit?: boolean;
}

/**
 * The upscaling factor that lets a body see pictures of at least `minSide` px when the data
 * block makes `size` px ones: ceil(minSide / size), 1 when they are big enough already.
 * @example upscaleFactor(28, 96) // 4: the body sees 112 px
 */
export function upscaleFactor(size: number, minSide: number): number {
  return size >= minSide ? 1 : Math.ceil(minSide / size);
}

/**
 * The body of a pretrained model: the layers up to `cut` (inclusive), with the same weights,
 * rebuilt so its input is `[null, null, null, 3]` (any size: progressive resizing keeps the learner),
 * and a frozen 1x1 convolution in front that turns the data block's normalization into the body's.
 * The source model is left as it was (the caller disposes it).
 * @example const body = makeBody(await loadBackboneFromUrl(url), { cut: 'block_13_expand_relu', normalization: 'unit', dataStats: dls.stats });
 */
export async function makeBody(source: tf.LayersModel, opts: BodyOptions): Promise<tf.LayersModel> {
  const cut = opts.cut ?? findCut(source);
  const cutLayer = source.layers.find((l) => l.name === cut);
  if (!cutLayer) throw new Error(`The backbone "${source.name}" has no layer named "${cut}" to cut at`);
  if (!isFeatureMap(cutLayer)) throw new Error(`The layer "${cut}" of "${source.name}" does not give a feature map [batch, height, width, channels]: cut at a convolutional layer`);
  if (source.inputs.length !== 1) throw new Error(`The backbone "${source.name}" takes ${source.inputs.length} inputs; a body takes one picture`);
  const config = source.toJSON(undefined, false) as unknown as ModelConfig;
  const body = await tf.models.modelFromJSON({ modelTopology: bodyConfig(config, cut, opts.upscale ?? 1) } as unknown as tf.io.ModelJSON);
  // The rebuilt layers are new objects with fresh initial weights: copy the source's in, by name.
  for (const layer of body.layers) {
    if (opts.randomInit || layer.name === INPUT_ADAPTER || layer.weights.length === 0) continue;
    layer.setWeights(source.getLayer(layer.name).getWeights());
  }
  const { kernel, bias } = adapterWeights(opts.dataStats, opts.normalization);
  const weights = [tf.tensor4d(kernel, [1, 1, 3, 3]), tf.tensor1d(bias)];
  body.getLayer(INPUT_ADAPTER).setWeights(weights);
  tf.dispose(weights);
  // A body with random weights has no running statistics worth keeping: it normalizes by batch.
  if (!opts.randomInit) keepBatchNormInInference(body.layers);
  return body;
}

/** Keeps the layers the cut depends on, frees the input size and puts the adapter after the input. */
function bodyConfig(model: ModelConfig, cut: string, upscale: number): ModelConfig {
  const byName = new Map(model.config.layers.map((l) => [l.name, l]));
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const node of byName.get(name)?.inbound_nodes ?? []) for (const ref of node as unknown[][]) visit(ref[0] as string);
  };
  visit(cut);
  const inputName = model.config.input_layers[0][0] as string;
  // Keras configs may mark layers non-trainable (nsfwjs froze up to block_10); in the studio,
  // what trains is the learner's business (freeze / unfreeze by layer group), so all are trainable.
  const layers = model.config.layers.filter((l) => needed.has(l.name)).map((l) => rewire(l, inputName));
  for (const l of layers) l.config = { ...l.config, trainable: true };
  // Batch norm runs in inference mode (keepBatchNormInInference), so its running statistics do not
  // move while the body trains; the momentum matters only where someone trains the exported model
  // in training mode: PyTorch's (fastai's) 0.9 in Keras terms, not Keras applications' 0.999.
  for (const l of layers) if (l.class_name === 'BatchNormalization') l.config = { ...l.config, momentum: BODY_BN_MOMENTUM };
  const input = layers.find((l) => l.name === inputName);
  if (!input) throw new Error(`The cut layer "${cut}" does not depend on the model's input`);
  const shape = input.config.batch_input_shape as (number | null)[];
  input.config = { ...input.config, batch_input_shape: [null, null, null, shape[3] ?? 3] };
  const adapter: LayerConfig = {
    class_name: 'Conv2D',
    name: INPUT_ADAPTER,
    config: { name: INPUT_ADAPTER, trainable: false, filters: 3, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true },
    inbound_nodes: [[[inputName, 0, 0, {}]]],
  };
  const added = [adapter];
  if (upscale > 1) {
    const up: LayerConfig = {
      class_name: 'UpSampling2D',
      name: BODY_UPSCALE,
      config: { name: BODY_UPSCALE, trainable: false, size: [upscale, upscale], data_format: 'channels_last', interpolation: 'bilinear' },
      inbound_nodes: [[[inputName, 0, 0, {}]]],
    };
    adapter.inbound_nodes = [[[BODY_UPSCALE, 0, 0, {}]]];
    added.unshift(up);
  }
  layers.splice(layers.indexOf(input) + 1, 0, ...added);
  return { ...model, config: { ...model.config, name: `${model.config.name}_body`, layers, output_layers: [[cut, 0, 0]] } };
}

/** Batch norm's running-statistics momentum in a body, as PyTorch's default (0.1 the other way round). */
export const BODY_BN_MOMENTUM = 0.9;

/** A copy of the layer config whose inputs read the adapter instead of the model's input. */
function rewire(layer: LayerConfig, inputName: string): LayerConfig {
  const copy = JSON.parse(JSON.stringify(layer)) as LayerConfig;
  for (const node of copy.inbound_nodes) for (const ref of node as unknown[][]) if (ref[0] === inputName) ref[0] = INPUT_ADAPTER;
  return copy;
}

/** What a built model's pretrained body is, for the Learner cell: its cut, channels, stride and scaling. */
export interface BodyDescription {
  readonly cut: string;
  readonly channels: number;
  readonly upscale: number;
  /** The layer groups' first layers, body groups only, e.g. `['Conv1', 'block_3_expand']`. */
  readonly groupStarts: readonly string[];
}

/**
 * Reads the body back from a model `makeBody` + a head built: null when the model has no body
 * made by `makeBody` (a from-scratch network).
 * @example describeBody(grouped)?.cut // 'block_13_expand_relu'
 */
export function describeBody(model: tf.LayersModel, groups: readonly (readonly tf.layers.Layer[])[]): BodyDescription | null {
  if (!model.layers.some((l) => l.name === INPUT_ADAPTER)) return null;
  const pool = model.layers.find((l) => l.getClassName() === 'GlobalAveragePooling2D');
  const cut = pool ? inboundLayer(pool) : undefined;
  if (!cut) return null;
  const up = model.layers.find((l) => l.name === BODY_UPSCALE);
  const upscale = up ? ((up.getConfig() as { size?: number[] }).size?.[0] ?? 1) : 1;
  const trainable = (g: readonly tf.layers.Layer[]) => g.find((l) => l.trainableWeights.length > 0)?.name ?? g[0]?.name ?? '?';
  return { cut: cut.name, channels: (cut.outputShape as number[])[3], upscale, groupStarts: groups.slice(0, -1).map(trainable) };
}
