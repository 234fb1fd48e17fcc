import type { Learner } from './learner';
import type { LrSuggestions } from './lrFinder';
import type { Progress } from './types';

/**
 * The studio's `auto` learning rate: fastai's suggestions read the finder's curve, which moves
 * with the seed and the batch size; valley is often cautious (on held-out product photos, a frozen
 * ImageNet body's head reached F2 0.62 at valley's 1.5e-3 and 0.75 at 1e-2). So `auto` takes the
 * curve's candidates and lets a short training run of each decide: the lowest validation loss wins.
 */

/** One candidate rate and what its probe run gave. */
export interface LrProbe {
  readonly name: string;
  readonly lr: number;
  /** Validation loss after the probe (Infinity when the loss diverged). */
  readonly validLoss: number;
}

/** The chosen rate, the candidate it came from, and one line saying why. */
export interface AutoLr {
  readonly lr: number;
  readonly name: string;
  readonly reason: string;
  readonly probes: readonly LrProbe[];
}

/**
 * The rates worth a probe: fastai's valley, slide, steepest and minimum/10, plus 3x valley (a
 * person reading the chart picks right of the valley, on the steep part); each below the rate
 * where the loss was lowest and above valley/10 (steepest is fooled by an early dip: on a
 * points head it said 1.6e-6 next to valley's 1.1e-2), none within a factor 1.5 of a smaller one.
 * @example lrCandidates({ valley: 1e-3, slide: 1e-3, steep: 1e-3, minimum: 1e-2 }, 0.1) // valley 1e-3, 3x valley 3e-3, minimum/10 1e-2
 */
export function lrCandidates(s: LrSuggestions, lowestLossLr: number): { name: string; lr: number }[] {
  const all = [
    { name: 'valley', lr: s.valley },
    { name: '3x valley', lr: 3 * s.valley },
    { name: 'slide', lr: s.slide },
    { name: 'steepest', lr: s.steep },
    { name: 'minimum/10', lr: s.minimum },
  ].filter((c) => Number.isFinite(c.lr) && c.lr > 0 && c.lr < lowestLossLr && c.lr >= s.valley / 10);
  const kept: { name: string; lr: number }[] = [];
  for (const c of [...all].sort((a, b) => a.lr - b.lr)) {
    if (kept.every((k) => Math.max(k.lr, c.lr) / Math.min(k.lr, c.lr) >= 1.5)) kept.push(c);
  }
  return kept.length > 0 ? kept : [{ name: 'valley', lr: s.valley }];
}

/** Options of `autoLr`. */
export interface AutoLrOptions {
  /**
   * Epochs of the fit that follows. Given, each probe is that fit's one-cycle run over every
   * batch (at most `maxSteps` steps), scored on the whole validation set: affordable where the
   * head trains on cached features. Short probes misjudge: after 32 steps a points head at
   * 1.6e-6 had the lowest loss, and after 80 it had the worst error (28 px against 18 at 1.1e-2).
   */
  readonly epochs?: number;
  /** The warm-up fraction of the fit that follows (fine_tune's frozen epoch: 0.99; default 0.25). */
  readonly pctStart?: number;
  /** Most training steps of a probe when `epochs` is given (default 100, the finder's length). */
  readonly maxSteps?: number;
  /** Training steps per probe without `epochs` (default 32). */
  readonly batches?: number;
  /** Validation batches a probe is scored on (default: all with `epochs`, else at most 8). */
  readonly validBatches?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * Probes every candidate from the same weights (`Learner.probeLr`: a one-cycle run, then the
 * validation loss) and picks the lowest loss; within 2% of it, the smaller rate.
 * @example const auto = await autoLr(learn, found.suggestions, found.lrs[argmin(found.losses)], { epochs: 5 });
 */
export async function autoLr(learn: Learner, suggestions: LrSuggestions, lowestLossLr: number, opts: AutoLrOptions = {}): Promise<AutoLr> {
  const whole = opts.epochs !== undefined && opts.epochs > 0;
  const batches = whole ? Math.min(opts.epochs! * learn.dls.train.batchCount, opts.maxSteps ?? 100) : (opts.batches ?? 32);
  const validBatches = opts.validBatches ?? (whole ? learn.dls.valid.batchCount : Math.min(8, learn.dls.valid.batchCount));
  const probes: LrProbe[] = [];
  for (const c of lrCandidates(suggestions, lowestLossLr)) {
    if (opts.signal?.aborted) break;
    probes.push({ ...c, validLoss: await learn.probeLr(c.lr, { batches, validBatches, pctStart: opts.pctStart, signal: opts.signal, onProgress: opts.onProgress }) });
  }
  const best = Math.min(...probes.map((p) => p.validLoss));
  const chosen = probes.find((p) => p.validLoss <= best * 1.02) ?? { name: 'valley', lr: suggestions.valley, validLoss: Infinity };
  const others = probes.filter((p) => p !== chosen).map((p) => `${p.name} ${formatLoss(p.validLoss)}`).join(', ');
  const run = whole && batches === opts.epochs! * learn.dls.train.batchCount ? `${opts.epochs}-epoch fit` : `${batches}-step run`;
  const reason = Number.isFinite(chosen.validLoss)
    ? `${chosen.name} (${chosen.lr.toExponential(1)}): lowest validation loss, ${formatLoss(chosen.validLoss)}, after a ${run} of each candidate${others ? ` (${others})` : ''}`
    : 'valley: no probe finished, so fastai’s default';
  return { lr: chosen.lr, name: chosen.name, reason, probes };
}

function formatLoss(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : 'diverged';
}
