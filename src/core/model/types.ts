import type * as tf from '@tensorflow/tfjs';

/**
 * A model plus its layer groups, body first and head last (fastai's `splitter`). Groups drive
 * discriminative learning rates (`[lo, hi]` spread over them) and `freeze()` (all but the last
 * group stop training, except their batch-norm layers).
 */
export interface GroupedModel {
  readonly model: tf.LayersModel;
  readonly layerGroups: readonly (readonly tf.layers.Layer[])[];
}

/** Layer groups as names, for a project file; `groupsFromNames` turns them back into layers. */
export type LayerGroupNames = readonly (readonly string[])[];

/** The names of each group's layers. */
export function groupNames(grouped: GroupedModel): LayerGroupNames {
  return grouped.layerGroups.map((g) => g.map((l) => l.name));
}

/**
 * Rebuilds the groups of a model loaded from a file, by layer name.
 * @example const grouped = groupsFromNames(await tf.loadLayersModel(handler), manifest.layerGroups);
 */
export function groupsFromNames(model: tf.LayersModel, names: LayerGroupNames): GroupedModel {
  const layerGroups = names.map((g) => g.map((n) => model.getLayer(n)));
  return { model, layerGroups };
}

/** Number of trainable scalars in a model. */
export function countParams(model: tf.LayersModel): number {
  return countLayerParams(model.layers);
}

/** Number of trainable scalars in some layers, e.g. one layer group (batch-norm running stats excluded). */
export function countLayerParams(layers: readonly tf.layers.Layer[]): number {
  return layers.reduce((n, l) => n + l.trainableWeights.reduce((m, w) => m + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0), 0);
}
