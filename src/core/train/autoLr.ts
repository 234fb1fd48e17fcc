import { lowerIsBetter } from '../metrics/baselines';
import { keyMetric } from '../metrics/keyMetric';
import type { Learner } from './learner';
import type { LrSuggestions } from './lrFinder';
import type { Progress } from './types';

/**
 * The studio's `auto` learning rate: fastai's suggestions read the finder's curve, which moves
 * with the seed and the batch size; valley is often cautious (on held-out product photos, a frozen
 * ImageNet body's head reached F2 0.62 at valley's 1.5e-3 and 0.75 at 1e-2). So `auto` takes the
 * curve's candidates, fills the gaps between them with the rates people type (1e-3, 3e-3, 1e-2...),
 * and lets a training run of each decide by the metric the person will read (accuracy, F2, mean
 * IoU, pixel error), as a person comparing epoch tables would; the validation loss breaks ties.
 * The loss alone misleads: on camvid_tiny a U-Net at 3.3e-1 ended at loss 0.150 and mean IoU 0.103,
 * one at 1e-2 at loss 0.425 and IoU 0.117; on planet_tiny the lowest loss had F2 0.650, not 0.719.
 */

/** One candidate rate and what its probe run gave. */
export interface LrProbe {
  readonly name: string;
  readonly lr: number;
  /** Validation loss after the probe (Infinity when the loss diverged). */
  readonly validLoss: number;
  /** The task's key metric after the probe (NaN when the loss diverged). */
  readonly metric: number;
}

/** The chosen rate, the candidate it came from, and one line saying why. */
export interface AutoLr {
  readonly lr: number;
  readonly name: string;
  readonly reason: string;
  /** The metric the probes were ranked by. */
  readonly metric: string;
  readonly probes: readonly LrProbe[];
}

/** The rates people type, from 1e-6 to 10: 1 and 3 per decade. */
const TYPED_RATES = Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 1 : 3) * 10 ** (Math.floor(i / 2) - 6));

/** How far `lrCandidates` reaches. */
export interface CandidateOptions {
  /**
   * Every typed rate from valley/3 to 3x the lowest loss's rate, not only those filling wide
   * gaps, and the suggestions up to that far: for probes that cost about a second (a head on
   * cached features). The suggestions alone missed the best fixed rate by 2-4% on small sets:
   * fashion_small and fashion_busy peaked at 3e-3 next to valley's 2.1e-3, fashion_large at 1e-1
   * past the lowest loss's 8.3e-2.
   */
  readonly everyTypedRate?: boolean;
}

/**
 * The rates worth a probe: fastai's valley, slide, steepest and minimum/10, plus 3x valley (a
 * person reading the chart picks right of the valley, on the steep part); each below the rate
 * where the smoothed loss was lowest (10x minimum/10) and above valley/10 (steepest is fooled by an early dip: on a
 * points head it said 1.6e-6 next to valley's 1.1e-2), none within a factor 1.5 of a smaller one.
 * Gaps wider than 2x from valley up to the lowest loss's rate are filled with typed rates
 * (`rung 1e-2`): on headpose_tiny the candidates were 1.7e-3 and 4.8e-3 while the best fixed
 * rates were 1e-2 and 3e-2. With `everyTypedRate`, see `CandidateOptions`.
 * @example lrCandidates({ valley: 1e-3, slide: 1e-3, steep: 1e-3, minimum: 1e-2 }) // valley 1e-3, 3x valley 3e-3, minimum/10 1e-2
 */
export function lrCandidates(s: LrSuggestions, opts: CandidateOptions = {}): { name: string; lr: number }[] {
  // fastai's minimum is the lowest loss's rate / 10, inside the curve's trimmed window; the raw
  // curve's lowest point can sit in the warm-up (a points head's early dip at 2e-7), which left
  // valley as the only candidate on headpose_tiny.
  const lowestLossLr = 10 * s.minimum;
  const wide = opts.everyTypedRate === true;
  const ceiling = wide ? 3 * lowestLossLr * (1 + 1e-9) : lowestLossLr;
  const usable = (lr: number) => Number.isFinite(lr) && lr > 0 && (wide ? lr <= ceiling : lr < ceiling) && lr >= s.valley / 10;
  const named = [
    { name: 'valley', lr: s.valley },
    { name: '3x valley', lr: 3 * s.valley },
    { name: 'slide', lr: s.slide },
    { name: 'steepest', lr: s.steep },
    { name: 'minimum/10', lr: s.minimum },
  ].filter((c) => usable(c.lr));
  const kept: { name: string; lr: number }[] = [];
  const apart = (lr: number, factor: number) => kept.every((k) => Math.max(k.lr, lr) / Math.min(k.lr, lr) >= factor);
  for (const c of [...named].sort((a, b) => a.lr - b.lr)) if (apart(c.lr, 1.5)) kept.push(c);
  if (kept.length === 0) return [{ name: 'valley', lr: s.valley }];
  if (wide) {
    // Typed rates 1.25x or more from every suggestion: valley at 2.1e-3 still leaves 3e-3 its probe.
    for (const lr of TYPED_RATES) if (lr >= s.valley / 3 && usable(lr) && apart(lr, 1.25)) kept.push({ name: `rung ${lr.toExponential(0)}`, lr });
    return kept.sort((a, b) => a.lr - b.lr);
  }
  // Rungs go only where a gap is wider than 2x, up to the lowest loss's rate and at most two
  // decades above valley. One-cycle's warm-up lets a model train near the lowest loss's rate: on
  // headpose_tiny that rate was 4.8e-2, the best fixed rates 1e-2 and 3e-2.
  const top = Math.min(lowestLossLr, 100 * s.valley);
  for (const lr of TYPED_RATES) if (lr > s.valley && lr <= top * (1 + 1e-9) && usable(lr) && apart(lr, 2)) kept.push({ name: `rung ${lr.toExponential(0)}`, lr });
  return kept.sort((a, b) => a.lr - b.lr);
}

/**
 * Probes for the fast path, where a step trains a head on cached features in about a
 * millisecond: each probe is the whole coming fit (up to 2000 steps), and every typed rate in
 * reach is tried (`CandidateOptions.everyTypedRate`).
 */
export const FAST_PATH_PROBES = { maxSteps: 2000, everyTypedRate: true } as const;

/**
 * A whole-network probe's step limit: up to it, the probe is the coming fit, batch for batch
 * (the same augmentation and dropout masks), and ends where that fit ends; a longer fit is probed
 * with its one-cycle squeezed into these steps. 200 covers the samples' 5-epoch fits.
 */
export const WHOLE_FIT_STEPS = 200;

/** Options of `autoLr`. */
export interface AutoLrOptions {
  /**
   * Epochs of the fit that follows. Given, each probe is that fit's one-cycle run over every
   * batch (at most `maxSteps` steps), scored on the whole validation set. Short probes misjudge:
   * on headpose_tiny (small CNN from scratch), 32-step probes chose 4.8e-3, which ends the fit at
   * 8.6 px; 100-step probes chose 1e-2, which ends it at 7.1 px. Its 5-epoch fit is 150 steps:
   * probes of 100 of them, the one-cycle squeezed, chose 3e-2 over 1e-2 on two seeds of three
   * (a tie within 0.5%), where 1e-2 ended better (6.75 against 6.84 px, 7.00 against 7.38).
   */
  readonly epochs?: number;
  /** The warm-up fraction of the fit that follows (fine_tune's frozen epoch: 0.99; default 0.25). */
  readonly pctStart?: number;
  /**
   * Most training steps of a probe when `epochs` is given (default `WHOLE_FIT_STEPS`). On
   * the fast path, where a step trains a head on cached features, pass `FAST_PATH_PROBES`:
   * the probe is then the whole fit, batch for batch, and ends where that fit will.
   */
  readonly maxSteps?: number;
  /** Probe every typed rate in reach, see `CandidateOptions` (the fast path's `FAST_PATH_PROBES`). */
  readonly everyTypedRate?: boolean;
  /** Training steps per probe without `epochs` (default 32). */
  readonly batches?: number;
  /** Validation batches a probe is scored on (default: all with `epochs`, else at most 8). */
  readonly validBatches?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * Probes every candidate from the same weights (`Learner.probeLr`: a one-cycle run, then the
 * validation loss and metrics) and picks the best key metric; candidates within half a percent
 * of it count as tied, and the lowest validation loss among them wins.
 * @example const auto = await autoLr(learn, found.suggestions, { epochs: 5 });
 */
export async function autoLr(learn: Learner, suggestions: LrSuggestions, opts: AutoLrOptions = {}): Promise<AutoLr> {
  const whole = opts.epochs !== undefined && opts.epochs > 0;
  const batches = whole ? Math.min(opts.epochs! * learn.dls.train.batchCount, opts.maxSteps ?? WHOLE_FIT_STEPS) : (opts.batches ?? 32);
  const validBatches = opts.validBatches ?? (whole ? learn.dls.valid.batchCount : Math.min(8, learn.dls.valid.batchCount));
  const metric = keyMetric(learn.dls.task);
  const probes: LrProbe[] = [];
  for (const c of lrCandidates(suggestions, { everyTypedRate: opts.everyTypedRate })) {
    if (opts.signal?.aborted) break;
    const r = await learn.probeLr(c.lr, { batches, validBatches, pctStart: opts.pctStart, signal: opts.signal, onProgress: opts.onProgress });
    probes.push({ ...c, validLoss: r.validLoss, metric: Number.isFinite(r.validLoss) ? (r.metrics[metric] ?? NaN) : NaN });
  }
  const chosen = bestProbe(probes, lowerIsBetter(metric));
  const run = whole && batches === opts.epochs! * learn.dls.train.batchCount ? `${opts.epochs}-epoch fit` : `${batches}-step run`;
  if (!chosen) return { lr: suggestions.valley, name: 'valley', reason: 'valley: no probe finished, so fastai’s default', metric, probes };
  const others = probes
    .filter((p) => p !== chosen)
    .map((p) => `${p.lr.toExponential(1)} ${formatScore(p, metric)}`)
    .join(', ');
  const won = Number.isNaN(chosen.metric) ? `lowest validation loss, ${chosen.validLoss.toFixed(3)}` : `best ${metric}, ${chosen.metric.toFixed(3)}`;
  const reason = `${chosen.name} (${chosen.lr.toExponential(1)}): ${won}, after a ${run} of each of ${probes.length} candidates${others ? ` (${others})` : ''}`;
  return { lr: chosen.lr, name: chosen.name, reason, metric, probes };
}

/**
 * The probe with the best metric (within 0.5% counts as tied, and the lowest loss among the tied
 * wins); without a finite metric anywhere, the lowest loss. Null when every probe diverged.
 */
export function bestProbe(probes: readonly LrProbe[], lower: boolean): LrProbe | null {
  const finished = probes.filter((p) => Number.isFinite(p.validLoss));
  if (finished.length === 0) return null;
  const scored = finished.filter((p) => Number.isFinite(p.metric));
  const byLoss = (a: LrProbe, b: LrProbe) => a.validLoss - b.validLoss || a.lr - b.lr;
  if (scored.length === 0) return [...finished].sort(byLoss)[0];
  const score = (p: LrProbe) => (lower ? -p.metric : p.metric);
  const best = Math.max(...scored.map(score));
  const tied = scored.filter((p) => score(p) >= best - 0.005 * Math.abs(best));
  return tied.sort(byLoss)[0];
}

function formatScore(p: LrProbe, metric: string): string {
  if (!Number.isFinite(p.validLoss)) return 'diverged';
  return Number.isNaN(p.metric) ? `loss ${p.validLoss.toFixed(3)}` : `${metric} ${p.metric.toFixed(3)}`;
}
