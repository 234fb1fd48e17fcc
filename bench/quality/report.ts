/**
 * The quality table: per set, the final metric of each suggester's rate next to the best grid
 * rate and the best trivial baseline, as means over seeds; then the per-seed rates.
 */
import { bestBaseline, lowerIsBetter } from '../../src/core/metrics/baselines';
import type { Machine } from '../lib/machine';
import { near, type SeedResult } from './runSet';

/** The suggesters, in the table's order. */
export const SUGGESTERS = ['valley', 'slide', 'steep', 'minimum/10', 'auto'] as const;

/** One set's means over seeds. */
export interface SetSummary {
  readonly metric: string;
  readonly lowerIsBetter: boolean;
  readonly baseline: number;
  readonly baselineName: string;
  /** Suggester -> mean final metric over seeds (a diverged run counts as the baseline). */
  readonly suggesters: Readonly<Record<string, number>>;
  /** Grid rate -> mean final metric over seeds. */
  readonly grid: Readonly<Record<string, number>>;
  readonly bestGridLr: number;
  readonly bestGrid: number;
  /** auto's shortfall from the best grid rate, relative (0.01 = 1% worse; negative: better). */
  readonly autoGap: number;
  /** auto's shortfall from valley, relative. */
  readonly autoVsValley: number;
  readonly diverged: number;
}

export interface QualityResults {
  readonly machine: Machine;
  readonly backend: string;
  readonly epochs: number;
  readonly grid: readonly number[];
  readonly seconds: number;
  readonly sets: readonly { readonly name: string; readonly what: string; readonly seeds: readonly SeedResult[]; readonly summary: SetSummary }[];
}

/** Relative shortfall of `value` from `reference` (positive: worse). */
export function shortfall(value: number, reference: number, lower: boolean): number {
  const denom = Math.abs(reference) || 1;
  return (lower ? value - reference : reference - value) / denom;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Means over seeds, the best grid rate, and auto's gaps. */
export function summarize(seeds: readonly SeedResult[], grid: readonly number[]): SetSummary {
  const metric = seeds[0].metric;
  const lower = lowerIsBetter(metric);
  const baselines = seeds.map((s) => bestBaseline(s.baselines, metric));
  const baseline = mean(baselines);
  const baselineName = seeds[0].baselines.reduce((a, b) => (shortfall(b.metrics[metric], a.metrics[metric], lower) < 0 ? b : a)).name;
  let diverged = 0;
  const at = (s: SeedResult, i: number, lr: number): number => {
    const run = s.runs.find((r) => near(r.lr, lr));
    if (!run || !Number.isFinite(run.metric)) {
      diverged++;
      return baselines[i];
    }
    return run.metric;
  };
  const suggesters = Object.fromEntries(SUGGESTERS.map((name) => [name, mean(seeds.map((s, i) => at(s, i, s.suggested[name])))]));
  const gridMeans = grid.map((lr) => mean(seeds.map((s, i) => at(s, i, lr))));
  let best = 0;
  gridMeans.forEach((m, i) => {
    if (shortfall(m, gridMeans[best], lower) < 0) best = i;
  });
  return {
    metric,
    lowerIsBetter: lower,
    baseline,
    baselineName,
    suggesters,
    grid: Object.fromEntries(grid.map((lr, i) => [lr.toExponential(0), gridMeans[i]])),
    bestGridLr: grid[best],
    bestGrid: gridMeans[best],
    autoGap: shortfall(suggesters.auto, gridMeans[best], lower),
    autoVsValley: shortfall(suggesters.auto, suggesters.valley, lower),
    diverged,
  };
}

const f3 = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(2) : v.toFixed(3));
const pct = (v: number): string => `${v > 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;

/** "3 seeds (1 for camvid_tiny)". */
function seedsLine(r: QualityResults): string {
  const most = Math.max(...r.sets.map((s) => s.seeds.length));
  const fewer = r.sets.filter((s) => s.seeds.length < most).map((s) => `${s.seeds.length} for ${s.name}`);
  return `${most} seeds${fewer.length ? ` (${fewer.join(', ')})` : ''}`;
}

/** bench/QUALITY.md. */
export function renderQuality(r: QualityResults): string {
  const lines: string[] = [];
  lines.push('# Learning quality: the default flow at each suggested rate', '');
  lines.push(
    `\`npm run quality\`, ${r.machine.cpu} x ${r.machine.cores}, Node ${r.machine.node}, tfjs ${r.machine.tfjs} on ${r.backend}; ${r.epochs} epochs of \`fit_one_cycle\` per run, ${seedsLine(r)} (a seed sets the random split and the batch order), ${Math.round(r.seconds / 60)} minutes in all.`,
    '',
    "Each run starts from the same weights: the guessed learner (the ImageNet MobileNetV2 body, frozen, its head trained on cached features, for classes and tags; a small CNN from scratch for points; a U-Net from scratch for masks) after the guessed data block. The metric is the last epoch's: accuracy, F2 at 0.2, mean IoU without Void, or the mean point error in pixels (lower is better). Each cell is the mean over seeds; a diverged run counts as the baseline. The baseline is the best trivial predictor from the same data (most frequent class; every tag or tag frequencies; the most frequent code everywhere; the mean point). auto probes each candidate (the suggestions, and the rates people type where they leave gaps wider than 2x up to the lowest loss; on the fast path, where a probe costs about a second, every typed rate from valley/3 to 3x the lowest loss) with the coming fit from the same weights (on the fast path the whole fit, batch for batch and with the same dropout masks, so it ends where that fit ends; where the whole network trains, the same up to 200 steps, and a longer fit’s one-cycle squeezed into 200), and ranks them by this metric on the validation set (ties within 0.5% go to the lower validation loss). It chooses on the same validation set the table reports, as a person comparing epoch tables does, so its cell carries that selection’s optimism, per seed; the best grid rate is also picked by the validation metric, but one rate for every seed.",
    '',
  );
  lines.push(`| set | metric | baseline | ${SUGGESTERS.join(' | ')} | best grid rate | auto vs best grid | auto vs valley |`);
  lines.push(`|---|---|---|${SUGGESTERS.map(() => '---').join('|')}|---|---|---|`);
  for (const s of r.sets) {
    const m = s.summary;
    const cells = SUGGESTERS.map((k) => (k === 'auto' ? `**${f3(m.suggesters[k])}**` : f3(m.suggesters[k])));
    lines.push(
      `| ${s.name} (${s.what}) | ${m.metric}${m.lowerIsBetter ? ' (lower is better)' : ''} | ${f3(m.baseline)} | ${cells.join(' | ')} | ${f3(m.bestGrid)} at ${m.bestGridLr.toExponential(0)} | ${pct(-m.autoGap)} | ${pct(-m.autoVsValley)} |`,
    );
  }
  lines.push('', '"auto vs best grid": how much better (+) or worse (-) auto\'s metric is than the best fixed rate\'s, relative.', '');
  lines.push('## Rates per seed', '');
  for (const s of r.sets) {
    const first = s.seeds[0];
    lines.push(
      `### ${s.name}`,
      '',
      `${first.learner}${first.fastPath ? ', frozen, head on cached features' : ''}; ${first.trainCount} training and ${first.validCount} validation pictures at ${first.size} px, ${first.classes} classes; baseline: ${s.summary.baselineName}.`,
      '',
    );
    lines.push(`| seed | ${SUGGESTERS.map((k) => `${k} rate`).join(' | ')} | ${r.grid.map((g) => g.toExponential(0)).join(' | ')} |`);
    lines.push(`|---|${SUGGESTERS.map(() => '---').join('|')}|${r.grid.map(() => '---').join('|')}|`);
    for (const seed of s.seeds) {
      const metricAt = (lr: number) => {
        const run = seed.runs.find((x) => near(x.lr, lr));
        return run && Number.isFinite(run.metric) ? f3(run.metric) : 'diverged';
      };
      lines.push(`| ${seed.seed} | ${SUGGESTERS.map((k) => `${seed.suggested[k].toExponential(1)}: ${metricAt(seed.suggested[k])}`).join(' | ')} | ${r.grid.map((g) => metricAt(g)).join(' | ')} |`);
    }
    lines.push('', `auto, seed 1: ${first.autoReason}.`, '');
  }
  return lines.join('\n') + '\n';
}
