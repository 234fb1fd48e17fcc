import * as tf from '@tensorflow/tfjs';
import type { BackboneLoader } from '../core/model/build';
import { checkedFetch } from './checkedFetch';

/**
 * Loading a pretrained backbone in tfjs layers format (`model.json` + `.bin` weight shards),
 * from a URL (the built-in one the project trains, `public/models/mnist-backbone/`) or from
 * files a person drops in. Every failure names the file or URL and what went wrong.
 */

/** URL path of the built-in backbone under the app's base (see scripts/trainBackbone.ts). */
export const BUILTIN_BACKBONE_PATH = 'models/mnist-backbone/model.json';

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Loads a layers model over HTTP with the real `fetch`; the weight shards are fetched next to
 * `model.json`. Relative URLs resolve against the page or worker.
 * @example const backbone = await loadBackboneFromUrl(`${import.meta.env.BASE_URL}${BUILTIN_BACKBONE_PATH}`);
 */
export async function loadBackboneFromUrl(url: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.http(url, { fetchFunc: checkedFetch }));
  } catch (e) {
    throw new Error(`The pretrained backbone at ${url} could not be loaded: ${messageOf(e)}`, { cause: e });
  }
}

/** The last segment of a path: weights manifests may say `./weights.bin` or `sub/shard1`. */
function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/** Reads and checks `model.json` among dropped files; returns it and the weight files it lists, in order. */
async function pickModelFiles(files: readonly File[]): Promise<{ json: File; weights: File[] }> {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const json = jsons.find((f) => f.name === 'model.json') ?? (jsons.length === 1 ? jsons[0] : undefined);
  if (!json) throw new Error(`model.json not found among the dropped files (${files.map((f) => f.name).join(', ') || 'none'})`);
  let parsed: { modelTopology?: unknown; weightsManifest?: { paths: string[] }[] };
  try {
    parsed = JSON.parse(await json.text());
  } catch (e) {
    throw new Error(`${json.name} is not valid JSON: ${messageOf(e)}`, { cause: e });
  }
  if (!parsed.modelTopology || !Array.isArray(parsed.weightsManifest)) throw new Error(`${json.name} is not a tfjs layers model (it needs modelTopology and weightsManifest)`);
  const byName = new Map(files.map((f) => [f.name, f]));
  const weights = parsed.weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => {
      const file = byName.get(baseName(p));
      if (!file) throw new Error(`weights file ${baseName(p)} missing: ${json.name} lists it; drop it together with ${json.name}`);
      return file;
    });
  return { json, weights };
}

/**
 * Loads a layers model from dropped files (`model.json` plus the `.bin` shards it lists) with
 * `tf.io.browserFiles`; other dropped files are ignored.
 * @example const backbone = await loadBackboneFromFiles(Array.from(input.files));
 */
export async function loadBackboneFromFiles(files: readonly File[]): Promise<tf.LayersModel> {
  const { json, weights } = await pickModelFiles(files);
  try {
    return await tf.loadLayersModel(tf.io.browserFiles([json, ...weights]));
  } catch (e) {
    throw new Error(`The pretrained backbone in ${json.name} could not be loaded: ${messageOf(e)}`, { cause: e });
  }
}

/**
 * Both loaders as `buildModel` takes them: the studio's worker, the command line and the benches pass this.
 * @example const grouped = await buildModel(arch, dls.task, dls.classes.length, dls, backboneLoader);
 */
export const backboneLoader: BackboneLoader = { fromUrl: loadBackboneFromUrl, fromFiles: loadBackboneFromFiles };
