import type { Learner } from './learner';
import type { LrSuggestions } from './suggest';
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
 * The rates worth a probe: fastai's valley, steepest and minimum/10, plus 3x valley (a person
 * reading the chart picks right of the valley, on the steep part); each below the rate where the
 * loss was lowest, and none within a factor 1.5 of a smaller one.
 * @example lrCandidates({ valley: 1e-3, steep: 1e-3, minimum: 1e-2 }, 0.1) // valley 1e-3, 3x valley 3e-3, minimum/10 1e-2
 */
export function lrCandidates(s: LrSuggestions, lowestLossLr: number): { name: string; lr: number }[] {
  const all = [
    { name: 'valley', lr: s.valley },
    { name: '3x valley', lr: 3 * s.valley },
    { name: 'steepest', lr: s.steep },
    { name: 'minimum/10', lr: s.minimum },
  ].filter((c) => Number.isFinite(c.lr) && c.lr > 0 && c.lr < lowestLossLr);
  const kept: { name: string; lr: number }[] = [];
  for (const c of [...all].sort((a, b) => a.lr - b.lr)) {
    if (kept.every((k) => Math.max(k.lr, c.lr) / Math.min(k.lr, c.lr) >= 1.5)) kept.push(c);
  }
  return kept.length > 0 ? kept : [{ name: 'valley', lr: s.valley }];
}

/** Options of `autoLr`. */
export interface AutoLrOptions {
  /** Training steps per probe (default 32: several epochs of a small set, part of a large one). */
  readonly batches?: number;
  /** Validation batches a probe is scored on (default: at most 8). */
  readonly validBatches?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * Probes every candidate from the same weights (`Learner.probeLr`: a one-cycle run over a few
 * batches, then the validation loss) and picks the lowest loss; within 2% of it, the smaller rate.
 * @example const auto = await autoLr(learn, found.suggestions, found.lrs[argmin(found.losses)]);
 */
export async function autoLr(learn: Learner, suggestions: LrSuggestions, lowestLossLr: number, opts: AutoLrOptions = {}): Promise<AutoLr> {
  const batches = opts.batches ?? 32;
  const validBatches = opts.validBatches ?? Math.min(8, learn.dls.valid.batchCount);
  const probes: LrProbe[] = [];
  for (const c of lrCandidates(suggestions, lowestLossLr)) {
    if (opts.signal?.aborted) break;
    probes.push({ ...c, validLoss: await learn.probeLr(c.lr, { batches, validBatches, signal: opts.signal, onProgress: opts.onProgress }) });
  }
  const best = Math.min(...probes.map((p) => p.validLoss));
  const chosen = probes.find((p) => p.validLoss <= best * 1.02) ?? { name: 'valley', lr: suggestions.valley, validLoss: Infinity };
  const others = probes.filter((p) => p !== chosen).map((p) => `${p.name} ${formatLoss(p.validLoss)}`).join(', ');
  const reason = Number.isFinite(chosen.validLoss)
    ? `${chosen.name} (${chosen.lr.toExponential(1)}): lowest validation loss, ${formatLoss(chosen.validLoss)}, after a ${batches}-step run of each candidate${others ? ` (${others})` : ''}`
    : 'valley: no probe finished, so fastai’s default';
  return { lr: chosen.lr, name: chosen.name, reason, probes };
}

function formatLoss(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : 'diverged';
}
