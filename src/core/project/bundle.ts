/**
 * The exported bundle as a map of file path -> bytes: tfjs's `model.json` + `weights.bin` (what
 * `tf.loadLayersModel` loads from a folder or URL), `studio.json`, a README and, for single-label,
 * a `teachable-machine/` folder that Teachable Machine apps load as they load TM's own exports.
 * The page zips and downloads it; Node writes the files.
 */
import * as tf from '@tensorflow/tfjs';
import { manifestToJson, parseManifest, type StudioManifest } from './manifest';
import { bundleReadme, tmMetadata, type BundleOptions } from './readme';

/** File path (`/`-separated, relative to the bundle's root) -> contents. */
export type BundleFiles = Record<string, Uint8Array>;

/** The paths of the bundle's files. */
export const BUNDLE_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  manifest: 'studio.json',
  readme: 'README.md',
  // TM apps are given a folder URL and fetch these three names from it, so they keep TM's names.
  tmModel: 'teachable-machine/model.json',
  tmWeights: 'teachable-machine/weights.bin',
  metadata: 'teachable-machine/metadata.json',
} as const;

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

/** Bytes per stored element of a weight (after quantization, when there is one). */
function bytesPerElement(spec: tf.io.WeightsManifestEntry): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return dtype === 'uint8' || dtype === 'bool' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
}

/** The weights' bytes in manifest order, or a message naming the missing or short file. */
function gatherWeights(model: tf.io.ModelJSON, files: BundleFiles): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } | string {
  if (!Array.isArray(model.weightsManifest)) return 'model.json has no "weightsManifest" field.';
  const parts: Uint8Array[] = [];
  for (const group of model.weightsManifest) {
    for (const path of group.paths ?? []) {
      // tfjs resolves paths relative to model.json, which sits at the root of the bundle.
      const bytes = files[path.replace(/^\.\//, '')];
      if (!bytes) return `${path}, named in model.json's weightsManifest, is missing from the bundle.`;
      parts.push(bytes);
    }
  }
  const specs = tf.io.getWeightSpecs(model.weightsManifest);
  const expected = specs.reduce((n, s) => n + (s.dtype === 'string' ? 0 : s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(s)), 0);
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  if (!specs.some((s) => s.dtype === 'string') && total !== expected) {
    return `The weight files hold ${total} bytes but model.json's weightsManifest describes ${expected}: the files do not belong together or are cut short.`;
  }
  const data = new Uint8Array(total);
  parts.reduce((at, p) => (data.set(p, at), at + p.byteLength), 0);
  return { specs, data: data.buffer };
}

function parseJsonFile(files: BundleFiles, name: string): { value: unknown } | { error: string } {
  const bytes = files[name];
  if (!bytes) return { error: `${name} is missing from the bundle.` };
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (e) {
    return { error: `${name} is not valid JSON: ${(e as Error).message}` };
  }
}

/**
 * The inverse of `makeBundle`: artifacts for `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * and the checked manifest, or an error naming the missing file or field. Only root files are
 * read: `teachable-machine/` is derived from them and not needed to restore a project.
 */
export function readBundle(files: BundleFiles): BundleResult {
  const model = parseJsonFile(files, BUNDLE_FILES.model);
  if ('error' in model) return model;
  const mj = model.value as tf.io.ModelJSON;
  if (typeof mj !== 'object' || mj === null || typeof mj.modelTopology !== 'object' || mj.modelTopology === null) {
    return { error: 'model.json has no "modelTopology" object: it is not a TensorFlow.js layers model.' };
  }
  const weights = gatherWeights(mj, files);
  if (typeof weights === 'string') return { error: weights };
  if (!files[BUNDLE_FILES.manifest]) {
    return { error: 'studio.json is missing: this is a plain TensorFlow.js model, not an Image Studio project (tf.loadLayersModel can still load model.json).' };
  }
  const manifest = parseManifest(new TextDecoder().decode(files[BUNDLE_FILES.manifest]));
  if ('error' in manifest) return { error: manifest.error };
  const artifacts = tf.io.getModelArtifactsForJSONSync(mj, weights.specs, weights.data);
  return { artifacts, manifest: manifest.manifest };
}
