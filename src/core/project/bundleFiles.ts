/**
 * The exported bundle's files read without tfjs: their names, and `checkBundle`, which finds
 * model.json, the weights it names (of the size it describes) and studio.json, or says which is
 * missing or wrong. The PyTorch export runs on it in the page; `readBundle` (bundle.ts) turns
 * its result into tfjs model artifacts in the worker and in Node.
 */
import type { io } from '@tensorflow/tfjs';
import { parseManifest, type StudioManifest } from './manifest';

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

/** Bytes per stored element of a weight (after quantization, when there is one). */
function bytesPerElement(spec: io.WeightsManifestEntry): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return dtype === 'uint8' || dtype === 'bool' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
}

/** The weights' bytes in manifest order, or a message naming the missing or short file. */
function gatherWeights(model: io.ModelJSON, files: BundleFiles): { specs: io.WeightsManifestEntry[]; data: ArrayBuffer } | string {
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
  // What tf.io.getWeightSpecs returns: every group's entries, in order.
  const specs = model.weightsManifest.flatMap((group) => group.weights);
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

/** A bundle's parts, checked: model.json, its weight specs and bytes in order, and the manifest. */
export interface CheckedBundle {
  readonly model: io.ModelJSON;
  readonly specs: io.WeightsManifestEntry[];
  readonly weights: ArrayBuffer;
  readonly manifest: StudioManifest;
}

/**
 * Checks the bundle's root files: model.json with a layers topology, every weight file it names,
 * their total size, and studio.json; the error names the missing file or field. Only root files
 * are read: `teachable-machine/` is derived from them and not needed to restore a project.
 * @example const checked = checkBundle(files); if ('error' in checked) show(checked.error);
 */
export function checkBundle(files: BundleFiles): CheckedBundle | { readonly error: string } {
  const model = parseJsonFile(files, BUNDLE_FILES.model);
  if ('error' in model) return model;
  const mj = model.value as io.ModelJSON;
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
  return { model: mj, specs: weights.specs, weights: weights.data, manifest: manifest.manifest };
}
