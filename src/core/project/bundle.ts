/**
 * The exported bundle as a map of file path -> bytes: tfjs's `model.json` + `weights.bin` (what
 * `tf.loadLayersModel` loads from a folder or URL), `studio.json`, a README and, for single-label,
 * a `teachable-machine/` folder that Teachable Machine apps load as they load TM's own exports.
 * The page zips and downloads it; Node writes the files.
 */
import * as tf from '@tensorflow/tfjs';
import { BUNDLE_FILES, checkBundle, type BundleFiles } from './bundleFiles';
import { manifestToJson, type StudioManifest } from './manifest';
import { bundleReadme, tmMetadata, type BundleOptions } from './readme';

// The names and the type live in the tfjs-free bundleFiles.ts; most importers take them from here.
export { BUNDLE_FILES, type BundleFiles } from './bundleFiles';

/** A bundle read back, or why it could not be. */
export type BundleResult = { readonly artifacts: tf.io.ModelArtifacts; readonly manifest: StudioManifest } | { readonly error: string };

const encoder = new TextEncoder();
const json = (v: unknown) => encoder.encode(`${JSON.stringify(v, null, 2)}\n`);

/**
 * `model.json` in the layers format `tf.loadLayersModel` reads: the topology, format, generator
 * and one weights group whose path is `weights.bin`, beside the `model.json` that names it.
 */
export function modelJson(artifacts: tf.io.ModelArtifacts): tf.io.ModelJSON {
  const { modelTopology, weightSpecs, trainingConfig, userDefinedMetadata } = artifacts;
  if (!modelTopology || modelTopology instanceof ArrayBuffer) throw new Error('The model has no JSON topology: only layers models can be exported.');
  if (!weightSpecs) throw new Error('The model artifacts hold no weight specs.');
  return {
    modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    // null: saved straight from a tfjs model, not converted (tfjs's own convention).
    convertedBy: artifacts.convertedBy ?? null,
    ...(trainingConfig ? { trainingConfig } : {}),
    ...(userDefinedMetadata ? { userDefinedMetadata } : {}),
    weightsManifest: [{ paths: [BUNDLE_FILES.weights], weights: weightSpecs }],
  };
}

export function weightBytes(artifacts: tf.io.ModelArtifacts): Uint8Array {
  if (!artifacts.weightData) throw new Error('The model artifacts hold no weight data.');
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
}

/**
 * Every file of the exported bundle. `teachable` is the single-label model's Teachable Machine
 * copy (`teachableArtifacts`); given, it is written to `teachable-machine/` with TM's
 * `metadata.json`, and the README explains it. It is ignored for other tasks.
 * @example const a = await learn.save(); const files = makeBundle(a, manifest, {}, await teachableArtifacts(a, manifest));
 */
export function makeBundle(artifacts: tf.io.ModelArtifacts, manifest: StudioManifest, opts: BundleOptions = {}, teachable?: tf.io.ModelArtifacts): BundleFiles {
  const tm = manifest.task === 'single' ? teachable : undefined;
  const files: BundleFiles = {
    [BUNDLE_FILES.model]: json(modelJson(artifacts)),
    [BUNDLE_FILES.weights]: weightBytes(artifacts),
    [BUNDLE_FILES.manifest]: encoder.encode(manifestToJson(manifest)),
    [BUNDLE_FILES.readme]: encoder.encode(bundleReadme(manifest, { teachable: tm !== undefined })),
  };
  if (tm) {
    files[BUNDLE_FILES.tmModel] = json(modelJson(tm));
    files[BUNDLE_FILES.tmWeights] = weightBytes(tm);
    files[BUNDLE_FILES.metadata] = json(tmMetadata(manifest, opts));
  }
  return files;
}

/**
 * The inverse of `makeBundle`: artifacts for `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * and the checked manifest, or an error naming the missing file or field (`checkBundle`'s).
 */
export function readBundle(files: BundleFiles): BundleResult {
  const checked = checkBundle(files);
  if ('error' in checked) return checked;
  const artifacts = tf.io.getModelArtifactsForJSONSync(checked.model, checked.specs, checked.weights);
  return { artifacts, manifest: checked.manifest };
}
