import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * tfjs layers-format files (`model.json` + `.bin` shards) on disk, for Node scripts and tests;
 * plain `@tensorflow/tfjs` has no `file://` handler without tfjs-node.
 */

/**
 * A load handler reading `model.json` and the weight shards it lists (relative to its folder).
 * @example const model = await tf.loadLayersModel(fileLoadHandler('public/models/mnist-backbone/model.json'));
 */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(dirname(modelJsonPath), p))).buffer));
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/**
 * A save handler writing `model.json` and one `weights.bin` shard into `dir`; resolves with the
 * byte count of the weights in `modelArtifactsInfo.weightDataBytes`.
 * @example await model.save(fileSaveHandler('public/models/mnist-backbone'));
 */
export function fileSaveHandler(dir: string, weightsName = 'weights.bin'): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    if (!artifacts.weightSpecs || !artifacts.weightData) throw new Error('The model produced no weights to save.');
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs }],
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, weightsName), new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}
