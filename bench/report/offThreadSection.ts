import type { OffThreadResult, OffThreadSize } from '../items/pipelineOffThread';
import { mdTable, num, times } from './table';

/**
 * The browser's figure for the same loaders, measured by `npm run bench:browser` (not by this
 * Node run): kept here so that regenerating section 4 keeps it.
 */
const IN_CHROMIUM = `In Chromium 156 (headless, wasm, cross-origin isolated; \`BENCH_PORT=4178 npx tsx bench/browser/run.ts --backends wasm --no-probe --pipeline 0 --no-peer\`, run once on this branch and once on the commit before it, 2026-11-30, load average 3.8-3.9 on 2 cores at both starts; mnist_tiny at 28 px, batch 32, small CNN, one epoch): the data wait was **2.8%** of wait + step with the batch-preparation worker (median step 64 ms, wait 1.9 ms) against 17.2% with the in-thread loader (89 ms, 18.6 ms); both fits reached validation accuracy 0.957 (the seed gives the same batches either way). \`npm run bench:browser\` measures it in its wasm row; this paragraph is kept by hand in bench/report/offThreadSection.ts.`;

/** Section 4b: the loader with batch-preparation workers at each size, and the data wait of a fit. */
export function offThreadSection(o: OffThreadResult): string {
  const sizes = o.sizes.map((s) => `${s.size}`).join(' and ');
  const rates = mdTable(
    [
      'px',
      'preparation workers',
      'images timed',
      'img/s',
      'img/CPU-s (all threads)',
      'fastest wasm training, samples/s (samples/CPU-s)',
      'ratio (img/s vs samples/s)',
      'per core (img/CPU-s vs samples/CPU-s)',
      'training thread busy, ms/img',
    ],
    o.sizes.flatMap((s) =>
      s.rates.map((x) => [
        s.size,
        x.workers,
        x.images,
        num(x.perSecond),
        num(x.perCpuSecond),
        `${num(s.fastest.samplesPerSecond)} (${num(s.fastest.samplesPerCpuSecond)}) ${s.fastest.model}`,
        times(x.ratio),
        times(x.ratioPerCore),
        num(x.trainingThreadMsPerImage, 2),
      ]),
    ),
  );
  const waits = mdTable(
    ['px', 'loader', 'timed steps', 'median step ms', 'median data wait ms', 'data wait / (wait + step)'],
    o.sizes.flatMap((s) => s.waits.map((w) => [s.size, w.loader, w.steps, num(w.stepMs, 1), num(w.waitMs, 1), `${num(100 * w.share, 1)}%`])),
  );
  return [
    '### 4b. Off the training thread (wasm)',
    '',
    `On wasm and CPU the studio's training loader draws each batch's crops and augmentation on the training thread (the same draws, in the same order, as \`collate\`) and sends the pictures to batch-preparation workers (\`prepareBatch\`, on plain arrays without tfjs: the loader's antialiased crop and resize, then flip/rotate/zoom/warp in one bilinear resampling, lighting, normalize), which send back transferred buffers, \`workers + 1\` batches ahead. Here the workers are \`worker_threads\`; in the browser, module workers spawned by the training worker. Measured at ${sizes} px from the same decoded 256 px pictures. Rate: one training epoch of the block's loader, consumed as fast as it comes, after a warm-up epoch; CPU time counts every thread of the process; *training thread busy* is its event loop's active time (drawing, sending the pictures, making tensors). The consumer at each size is the fastest wasm training of item 2 at that size (item 2 stops at 128 px: the 224 px row is timed by this item, the same way, batch 32).`,
    '',
    rates,
    '',
    `Data wait in a wasm fit of ${o.waitModel}, batch 32, through the block's training loader (the Learner's own \`dataWaitMs\` and \`stepMs\`, one epoch after a warm-up epoch):`,
    '',
    waits,
    '',
    stepGrowth(o),
    '',
    IN_CHROMIUM,
  ].join('\n');
}

/** What the workers cost the step: on cores without idle time they take CPU from it rather than adding any. */
function stepGrowth(o: OffThreadResult): string {
  const growth = o.sizes.map(growthAt).filter((g) => g !== '');
  const perCore = o.sizes.map((s) => ({ size: s.size, x: Math.max(...s.rates.map((r) => r.ratioPerCore)) }));
  const worst = Math.min(...perCore.map((p) => p.x));
  const need = 3 / worst;
  const each = perCore.map((p) => `${times(p.x)} at ${p.size} px`).join(' and ');
  return [
    ...growth,
    'A worker only hides its work where a core would otherwise idle. Without one it takes its CPU time from the step, so the figure to compare across machines is the rate per core, the images prepared per CPU-second.',
    `Per core the preparation runs at ${each} the training's consumption, so 3x needs about ${num(need, 1)} cores preparing beside the one that trains (${num(need + 1, 1)} in all, idle) at the harder size: out of reach on ${o.cores} cores, where the most the pool can give is the second core.`,
  ].join(' ');
}

function growthAt(s: OffThreadSize): string {
  const [own, ...pooled] = s.waits;
  if (!own || pooled.length === 0) return '';
  const grown = pooled.map((w) => `${num(w.stepMs, 0)} ms with ${w.loader}`).join(', ');
  return `At ${s.size} px the median step was ${num(own.stepMs, 0)} ms with the in-thread loader and ${grown} (1-minute load average ${s.loadAverage[0]} before, ${s.loadAverage[1]} after).`;
}
