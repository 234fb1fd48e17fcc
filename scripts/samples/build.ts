/**
 * Builds every sample dataset into one folder and writes `index.json` last, so a folder with an
 * `index.json` of the current version is complete and can be left alone.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng } from '../../src/core/data/random';
import { camvidTiny } from './camvidTiny';
import { headposeTiny } from './headposeTiny';
import { loadMnist } from './idx';
import { mnistTiny } from './mnistTiny';
import { SampleOutput } from './output';
import type { MnistSource, SampleDef } from './output';
import { planetTiny } from './planetTiny';

/** Bump when the samples' content changes, so existing builds are redone. */
export const SAMPLES_VERSION = 2;

/** Every sample, in the order `index.json` lists them. */
export const SAMPLES: readonly SampleDef[] = [mnistTiny, planetTiny, camvidTiny, headposeTiny];

/** One sample as listed in `index.json`; `files` are relative to the sample's folder. */
export interface SampleEntry {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly files: readonly string[];
}

/** The `index.json` written at the root of the output folder. */
export interface SamplesIndex {
  readonly version: number;
  readonly samples: readonly SampleEntry[];
}

/** What a build did: `skipped` when an up-to-date `index.json` was already there. */
export interface BuildResult {
  readonly skipped: boolean;
  readonly index: SamplesIndex;
}

/** Reads `outDir/index.json` if it exists and parses; null otherwise. */
export function readIndex(outDir: string): SamplesIndex | null {
  const path = join(outDir, 'index.json');
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SamplesIndex;
  } catch {
    return null;
  }
}

/**
 * Builds all samples into `outDir` unless its `index.json` already has this version (or `force`).
 * @example buildSamples('public/samples').skipped // true on the second run
 */
export function buildSamples(outDir: string, options: { force?: boolean } = {}): BuildResult {
  const existing = readIndex(outDir);
  if (!options.force && existing?.version === SAMPLES_VERSION) return { skipped: true, index: existing };
  // Drop the old index first: an interrupted rebuild must not look complete.
  rmSync(join(outDir, 'index.json'), { force: true });
  mkdirSync(outDir, { recursive: true });
  const mnist: MnistSource = { train: loadMnist('train'), test: loadMnist('test') };
  const samples = SAMPLES.map((def) => buildOne(outDir, def, mnist));
  const index: SamplesIndex = { version: SAMPLES_VERSION, samples };
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  return { skipped: false, index };
}

function buildOne(outDir: string, def: SampleDef, mnist: MnistSource): SampleEntry {
  const root = join(outDir, def.name);
  // Start clean so files from an older version do not linger beside the new ones.
  rmSync(root, { recursive: true, force: true });
  const out = new SampleOutput(root);
  def.build(out, mnist, makeRng(def.seed));
  return { name: def.name, title: def.title, description: def.description, files: out.files };
}
