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
 * @example const split = splitHead(grouped); if (split) features = split.body.predict(x);
 */
export function splitHead(grouped: GroupedModel): HeadSplit | null {
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
  const [features] = [...boundary];
  if (!inHead.has(model.outputs[0].sourceLayer)) return null;
  const body = tf.model({ inputs: model.inputs, outputs: features, name: `${model.name}_body` });
  const input = tf.input({ shape: features.shape.slice(1) as number[], name: `${model.name}_features` });
  // Replays the head's graph on the new input, layer by layer in the model's order (a topological one).
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[features, input]]);
  for (const layer of model.layers.filter((l) => inHead.has(l))) {
    const node = layer.inboundNodes[0];
    const inputs = node.inputTensors.map((t) => mapped.get(t));
    if (inputs.some((t) => !t)) return null;
    const out = layer.apply(inputs.length === 1 ? inputs[0]! : (inputs as tf.SymbolicTensor[])) as tf.SymbolicTensor;
    mapped.set(node.outputTensors[0], out);
  }
  const output = mapped.get(model.outputs[0]);
  if (!output) return null;
  const head = tf.model({ inputs: input, outputs: output, name: `${model.name}_head` });
  return { body, head: { model: head, layerGroups: [headLayers] } };
}
