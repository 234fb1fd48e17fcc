/**
 * `npm run quality`: the learning-quality table. Every set of sets.ts, over 3 seeds, trains the
 * studio's default flow (guessed block and learner, LR finder, `fit_one_cycle`) at the rate of
 * every suggester (valley, slide, steep, minimum/10 and the studio's `auto`) and at a grid of
 * fixed rates, from the same starting weights, on wasm in Node. Writes bench/QUALITY.md and
 * prints the results as JSON on stdout (progress on stderr), like the other benchmarks.
 *
 * Options: `--sets a,b` (default all), `--seeds N` (3), `--epochs N` (5), `--out FILE`, `--fresh`
 * (finished seeds are kept under bench/.cache/quality/results and reused unless this is given).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chooseBackend } from '../../src/core/tf/backend';
import { serveFolder } from '../../src/io/node/staticServer';
import { machineInfo } from '../lib/machine';
import { printJson } from '../lib/main';
import { progress } from '../lib/log';
import { summarize, renderQuality, type QualityResults } from './report';
import { runSet, type SeedResult } from './runSet';
import { QUALITY_SETS } from './sets';

/** Bump when the flow or the suggesters change, so kept results of older code are not reused. */
const CODE_VERSION = 'v7';

/** The fixed rates every set also trains at; the best of them is what a suggester is measured against. */
export const LR_GRID = [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sets: { type: 'string' },
      seeds: { type: 'string', default: '3' },
      epochs: { type: 'string', default: '5' },
      out: { type: 'string', default: 'bench/QUALITY.md' },
      fresh: { type: 'boolean', default: false },
    },
  });
  const names = values.sets ? values.sets.split(',') : QUALITY_SETS.map((s) => s.name);
  const unknown = names.filter((n) => !QUALITY_SETS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown set(s) ${unknown.join(', ')}; known: ${QUALITY_SETS.map((s) => s.name).join(', ')}`);
  const seeds = Number(values.seeds);
  const epochs = Number(values.epochs);
  const t0 = performance.now();
  const machine = await machineInfo();
  const backend = await chooseBackend(['wasm']);
  progress(`backend ${backend.name}; ${names.length} sets x ${seeds} seeds, ${epochs} epochs per run, grid ${LR_GRID.join(', ')}`);
  const cacheDir = join('bench', '.cache', 'quality');
  mkdirSync(cacheDir, { recursive: true });
  const server = await serveFolder(join(process.cwd(), 'public'));
  const sets: QualityResults['sets'][number][] = [];
  try {
    for (const set of QUALITY_SETS.filter((s) => names.includes(s.name))) {
      const folder = set.folder(cacheDir);
      const results: SeedResult[] = [];
      for (let seed = 1; seed <= Math.min(seeds, set.maxSeeds ?? seeds); seed++) {
        // Each finished seed is kept, so an interrupted run goes on where it stopped (--fresh starts over).
        const saved = join(cacheDir, 'results', `${set.name}-seed${seed}-e${epochs}-${CODE_VERSION}.json`);
        if (!values.fresh && existsSync(saved)) {
          progress(`${set.name}, seed ${seed}: kept from ${saved}`);
          results.push(JSON.parse(readFileSync(saved, 'utf8')) as SeedResult);
          continue;
        }
        progress(`${set.name}, seed ${seed}`);
        const result = await runSet(folder, { seed, epochs, grid: LR_GRID, baseUrl: `${server.url}/`, log: progress });
        mkdirSync(dirname(saved), { recursive: true });
        writeFileSync(saved, JSON.stringify(result));
        results.push(result);
      }
      sets.push({ name: set.name, what: set.what, seeds: results, summary: summarize(results, LR_GRID) });
    }
  } finally {
    server.close();
  }
  // The training time of every seed, kept ones included (their run's, not this one's).
  const seconds = sets.reduce((a, s) => a + s.seeds.reduce((b, r) => b + r.seconds, 0), 0);
  const results: QualityResults = { machine, backend: backend.name, epochs, grid: [...LR_GRID], seconds, sets };
  // lesson.ts's section, when there is one, stays.
  const out = values.out ?? 'bench/QUALITY.md';
  const old = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const lesson = old.indexOf('<!-- lesson -->');
  writeFileSync(out, renderQuality(results) + (lesson >= 0 ? `\n${old.slice(lesson)}` : ''));
  printJson(results);
  progress(`wrote ${out} in ${Math.round((performance.now() - t0) / 1000)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
