import * as tf from '@tensorflow/tfjs';

/**
 * Copies of every weight of a model (trainable and not, so batch-norm running statistics too),
 * in `model.weights` order. tfjs tensors are immutable, so a clone is a cheap, exact copy.
 */
export type WeightSnapshot = tf.Tensor[];

/** Copies all weights of `model`. Free it with `tf.dispose`. */
export function snapshotWeights(model: tf.LayersModel): WeightSnapshot {
  return model.weights.map((w) => tf.clone(w.read()));
}

/** Puts a snapshot back; the snapshot stays valid and can be restored again. */
export function restoreWeights(model: tf.LayersModel, snap: WeightSnapshot): void {
  model.weights.forEach((w, i) => w.write(snap[i]));
}

/**
 * Serializes the model in tfjs layers format (topology + weight specs + weight bytes), in memory.
 * @example const artifacts = await saveArtifacts(model); // then zip, download or store it elsewhere
 */
export async function saveArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('The model produced no artifacts when saved.');
  return saved;
}

/** Loads weights from artifacts into an existing model of the same architecture, exactly. */
export function loadWeightsInto(model: tf.LayersModel, artifacts: tf.io.ModelArtifacts): void {
  if (!artifacts.weightData || !artifacts.weightSpecs) throw new Error('The saved model holds no weights.');
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    model.loadWeights(named);
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** Builds a new model (architecture and weights) from artifacts, as `tf.loadLayersModel` does from files. */
export function modelFromArtifacts(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
