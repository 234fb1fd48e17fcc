import * as tf from '@tensorflow/tfjs';
import type { GroupedModel } from './types';

/** A model cut where its head begins: the body up to the head's input, and the head on its own input. */
export interface HeadSplit {
  /** Pictures in, the feature map the head reads out; shares the model's layers. */
  readonly body: tf.LayersModel;
  /** That feature map in, the model's output out; the same head layers (and weights) as the model. */
  readonly head: GroupedModel;
}

/**
 * Splits a grouped model at its last group (the head), for training the head on features the
 * body computed once (the frozen phase's fast path). The head must read exactly one tensor
 * from the body, as `transferModel`'s does; otherwise this returns null. The head model calls
 * the same layer objects, so training it trains the full model's head.
 *
 * The head's leading parameter-free, deterministic layers (fastai's concat pool: global max and
 * average pooling, concatenate) go with the body, so the features are pooled vectors: for a
 * MobileNetV2 cut at 112 px, 1,152 numbers a picture instead of 7x7x576 = 28,224, and each head
 * step skips the pooling and its gradient.
 * @example const split = splitHead(grouped); if (split) features = split.body.predict(x);
 */
export function splitHead(grouped: GroupedModel, opts: { readonly pool?: boolean } = {}): HeadSplit | null {
  const { model, layerGroups } = grouped;
  const headLayers = layerGroups.at(-1) ?? [];
  if (layerGroups.length < 2 || headLayers.length === 0 || model.outputs.length !== 1) return null;
  const inHead = new Set(headLayers);
  const boundary = new Set<tf.SymbolicTensor>();
  for (const layer of headLayers) {
    // The first inbound node is the model's own; a split made before adds more.
    if (layer.inboundNodes.length === 0) return null;
    for (const t of layer.inboundNodes[0].inputTensors) if (!inHead.has(t.sourceLayer)) boundary.add(t);
  }
  if (boundary.size !== 1) return null;
  if (!inHead.has(model.outputs[0].sourceLayer)) return null;
  // Without `pool`, the body ends where the head group begins (Grad-CAM needs that feature map, not pooled vectors).
  const pooling = opts.pool === false ? new Set<tf.layers.Layer>() : poolingPrefix(model, inHead);
  const features = pooledBoundary(headLayers, inHead, pooling) ?? [...boundary][0];
  const trained = features === [...boundary][0] ? headLayers : headLayers.filter((l) => !pooling.has(l));
  const body = tf.model({ inputs: model.inputs, outputs: features, name: `${model.name}_body` });
  const input = tf.input({ shape: features.shape.slice(1) as number[], name: `${model.name}_features` });
  // Replays the head's graph on the new input, layer by layer in the model's order (a topological one).
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[features, input]]);
  const inTrained = new Set(trained);
  for (const layer of model.layers.filter((l) => inTrained.has(l))) {
    const node = layer.inboundNodes[0];
    const inputs = node.inputTensors.map((t) => mapped.get(t));
    if (inputs.some((t) => !t)) return null;
    const out = layer.apply(inputs.length === 1 ? inputs[0]! : (inputs as tf.SymbolicTensor[])) as tf.SymbolicTensor;
    mapped.set(node.outputTensors[0], out);
  }
  const output = mapped.get(model.outputs[0]);
  if (!output) return null;
  const head = tf.model({ inputs: input, outputs: output, name: `${model.name}_head` });
  return { body, head: { model: head, layerGroups: [trained] } };
}

/** Layers without weights that always compute the same thing, so they can run once with the body. */
const PARAMETER_FREE = new Set(['GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'Concatenate', 'Flatten']);

/** The head's layers that are parameter-free and read only the body or one another. */
function poolingPrefix(model: tf.LayersModel, inHead: ReadonlySet<tf.layers.Layer>): Set<tf.layers.Layer> {
  const prefix = new Set<tf.layers.Layer>();
  for (const layer of model.layers.filter((l) => inHead.has(l))) {
    if (!PARAMETER_FREE.has(layer.getClassName())) continue;
    if (layer.inboundNodes[0].inputTensors.every((t) => !inHead.has(t.sourceLayer) || prefix.has(t.sourceLayer))) prefix.add(layer);
  }
  return prefix;
}

/** The one tensor the rest of the head reads from the body and the pooling prefix; null when there is no prefix or several tensors. */
function pooledBoundary(headLayers: readonly tf.layers.Layer[], inHead: ReadonlySet<tf.layers.Layer>, prefix: ReadonlySet<tf.layers.Layer>): tf.SymbolicTensor | null {
  if (prefix.size === 0) return null;
  const read = new Set<tf.SymbolicTensor>();
  for (const layer of headLayers.filter((l) => !prefix.has(l))) {
    for (const t of layer.inboundNodes[0].inputTensors) if (!inHead.has(t.sourceLayer) || prefix.has(t.sourceLayer)) read.add(t);
  }
  return read.size === 1 ? [...read][0] : null;
}
