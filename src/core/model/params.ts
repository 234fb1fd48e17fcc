import type * as tf from '@tensorflow/tfjs';
import type { Param } from '../train/optimizer';
import type { GroupedModel } from './types';

/** True for batch-norm layers, whose weights keep training while their group is frozen. */
export function isBatchNorm(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

/**
 * The trainable tensors of each layer group, tagged as fastai tags them: batch-norm weights and
 * biases get no weight decay (`wd_bn_bias=False`), batch-norm weights train while frozen
 * (`train_bn=True`). Weighted layers missing from every group join the last (head) group.
 */
export function paramGroups(grouped: GroupedModel): Param[][] {
  const seen = new Set<tf.layers.Layer>();
  const groups = grouped.layerGroups.map((layers) => layers.flatMap((l) => (seen.add(l), paramsOf(l))));
  const rest = grouped.model.layers.filter((l) => !seen.has(l)).flatMap(paramsOf);
  groups[groups.length - 1].push(...rest);
  return groups;
}

function paramsOf(layer: tf.layers.Layer): Param[] {
  const bn = isBatchNorm(layer);
  return layer.trainableWeights.map((w) => ({
    // LayerVariable.read() hands back the tf.Variable itself, which the optimizer assigns to.
    variable: w.read() as tf.Variable,
    doWd: !bn && !/bias$/.test(w.originalName),
    isBn: bn,
  }));
}
