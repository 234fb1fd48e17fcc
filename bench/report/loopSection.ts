import type { LoopBackend, LoopResult } from '../items/loop';
import type { KernelRow } from '../lib/profile';
import { mdTable, num, times } from './table';

/** CPU ms per step of a variant: the load-robust figure, so small differences are not swamped. */
const ms = (b: LoopBackend, variant: string, batch = 64) => {
  const row = b.rows.find((r) => r.variant === variant);
  return row ? (batch * 1000) / row.samplesPerCpuSecond : NaN;
};

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} ms`;

/** Each overhead as the step-time difference of two variants that differ only by it. */
function attribution(b: LoopBackend): string {
  const parts = [
    ['Learner loop around the step (studio − step + AdamW)', ms(b, 'studio') - ms(b, 'step + AdamW')],
    ["AdamW vs tfjs's Adam (step + AdamW − step + tf.train.adam)", ms(b, 'step + AdamW') - ms(b, 'step + tf.train.adam')],
    ['weight decay (studio − studio, wd 0)', ms(b, 'studio') - ms(b, 'studio, wd 0')],
    ["tfjs layers' trainOnBatch vs a plain tape (bare − step + tf.train.adam)", ms(b, 'bare') - ms(b, 'step + tf.train.adam')],
    ['data pipeline: resize, augmentation, normalize (studio + data pipeline − studio)', ms(b, 'studio + data pipeline') - ms(b, 'studio')],
  ] as const;
  const fixed = b.epochFixed.cpuMs / b.batchesPerEpoch;
  return `- ${b.backend} (bare ${ms(b, 'bare').toFixed(1)} CPU ms/step): ${parts.map(([what, v]) => `${what} ${signed(v)}`).join('; ')}. Of the Learner loop, its fixed cost per epoch (a fit with no batches: weight and optimizer snapshots, callbacks) is ${b.epochFixed.cpuMs.toFixed(1)} CPU ms, ${signed(fixed)} per step at ${b.batchesPerEpoch} steps per epoch.`;
}

const kernels = (rows: readonly KernelRow[], n = 5) =>
  rows
    .slice(0, n)
    .map((k) => `${k.name} ${k.ms >= 0 ? '+' : ''}${k.ms.toFixed(1)} (${k.calls >= 0 ? '+' : ''}${k.calls})`)
    .join(', ');
const top = (rows: readonly KernelRow[], n = 5) =>
  rows
    .slice(0, n)
    .map((k) => `${k.name} ${k.ms.toFixed(1)} (${k.calls})`)
    .join(', ');

/** Findings the profile supports, stated only when this run's figures show them. */
function findings(bs: readonly LoopBackend[]): string[] {
  const notes: string[] = [];
  const cpu = bs.find((b) => b.backend === 'cpu');
  const transform = cpu && cpu.profile.pipeline.top.concat(cpu.profile.pipelineMinusStudio).find((k) => k.name === 'Transform');
  if (transform && transform.calls > 1) {
    notes.push(
      `- Transform on cpu: ${transform.calls} launches per batch, because augmentation runs \`tf.image.transform\` image by image there (the workaround for tfjs 4.22's CPU kernel, which transforms only the first image of a batch).`,
    );
  }
  return notes.length ? ['', 'What the profile shows:', '', ...notes] : [];
}

/** Section 1 of RESULTS.md. */
export function loopSection(r: LoopResult): string {
  const bs = r.backends;
  const variants = bs[0]?.rows ?? [];
  const table = mdTable(
    ['variant', 'what it runs', ...bs.flatMap((b) => [`${b.backend} samples/s`, `${b.backend} vs bare`, `${b.backend} samples/CPU-s`, `${b.backend} vs bare (CPU)`])],
    variants.map((v, i) => [v.variant, v.what, ...bs.flatMap((b) => [num(b.rows[i].samplesPerSecond), times(b.rows[i].vsBare), num(b.rows[i].samplesPerCpuSecond), times(b.rows[i].vsBareCpu)])]),
  );
  const profile = mdTable(
    ['backend', 'loop', 'wall ms (profiled)', 'kernel ms', 'kernel launches', 'slowest kernels: ms (launches)'],
    bs.flatMap((b) =>
      (['bare', 'studio', 'pipeline'] as const).map((k) => [
        b.backend,
        k === 'pipeline' ? 'studio + data pipeline' : k,
        num(b.profile[k].wallMs),
        num(b.profile[k].kernelMs),
        num(b.profile[k].calls, 0),
        top(b.profile[k].top),
      ]),
    ),
  );
  const diff = mdTable(
    ['backend', 'studio − bare: ms (launches)', 'studio + data pipeline − studio: ms (launches)'],
    bs.map((b) => [b.backend, kernels(b.profile.studioMinusBare), kernels(b.profile.pipelineMinusStudio)]),
  );
  return [
    '## 1. Studio training loop vs a bare tfjs loop',
    '',
    `${r.setup}. Steps per epoch and rounds: ${bs.map((b) => `${b.backend} ${b.batchesPerEpoch} x ${b.rounds}`).join(', ')}. *samples/s* is the median over rounds on wall time, *samples/CPU-s* the same per second of this process's CPU time (tfjs runs on one thread here, so CPU time is what the work costs whatever the neighbours do); *vs bare* is the median of the per-round ratios to the bare loop. The studio rows subtract their validation pass; their per-epoch costs (weight and optimizer snapshots) fall on only ${bs.map((b) => `${b.batchesPerEpoch} (${b.backend})`).join(' / ')} steps, more than in a real epoch.`,
    '',
    table,
    '',
    `**Ratio studio / bare (target >= ${r.target}):** ${bs.map((b) => `${b.backend} ${times(b.ratio)} on wall time (${b.ratio >= r.target ? 'met' : 'not met'}), ${times(b.ratioCpu)} on CPU time`).join('; ')}.`,
    '',
    'CPU time added per step of 64 by each difference, from the variants above (differences within ~5% of a step are noise):',
    '',
    ...bs.map(attribution),
    '',
    "`tf.profile` of each loop, 3 runs of 2 steps (one fit per run for the studio), per step, each kernel's median over the runs (the profiler waits for every kernel, so wall time is inflated; kernel ms is time inside kernels, the rest is JavaScript):",
    '',
    profile,
    '',
    'Largest kernel differences per step:',
    '',
    diff,
    ...findings(bs),
  ].join('\n');
}
