/**
 * Pure schedule functions, as fastai's callback/schedule.py defines them. `pos` runs from 0 at
 * the start of training to 1 at its end.
 */

/** A hyper-parameter as a function of training progress in [0, 1]. */
export type Schedule = (pos: number) => number;

/**
 * Cosine from `start` to `end`: start + (1 + cos(pi * (1 - pos))) * (end - start) / 2.
 * @example schedCos(1, 0, 0.5) // 0.5
 */
export function schedCos(start: number, end: number, pos: number): number {
  return start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;
}

/** Linear from `start` to `end`: start + pos * (end - start). */
export function schedLin(start: number, end: number, pos: number): number {
  return start + pos * (end - start);
}

/**
 * Exponential from `start` to `end`: start * (end / start) ** pos (the LR finder's ramp).
 * @example schedExp(1e-7, 10, 0.5) // 1e-3
 */
export function schedExp(start: number, end: number, pos: number): number {
  return start * (end / start) ** pos;
}

/** Alias with fastai's spelling. */
export const sched_cos = schedCos;

/**
 * Two cosine pieces: `start` to `middle` over the first `pct` of training, then `middle` to `end`.
 * @example combinedCos(0.25, 1, 2, 0)(0.25) // 2
 */
export function combinedCos(pct: number, start: number, middle: number, end: number): Schedule {
  return (pos) => {
    // fastai picks the last piece whose start is <= pos, so pos === pct already belongs to piece two.
    if (pos < pct) return schedCos(start, middle, pos / pct);
    return schedCos(middle, end, pct >= 1 ? 1 : (pos - pct) / (1 - pct));
  };
}

/** Knobs of the one-cycle policy; defaults are fastai's `fit_one_cycle`. */
/** fastai's `fit_one_cycle` defaults: pct_start 0.25, div 25, div_final 1e5, moms (0.95, 0.85, 0.95). */
export const ONE_CYCLE_DEFAULTS = { pctStart: 0.25, div: 25, divFinal: 1e5, moms: [0.95, 0.85, 0.95] } as const;

/** The options that differ from fastai's defaults (what a run's call prints, e.g. `pct_start=0.3`). */
export function changedOneCycle(opts: OneCycleOptions): OneCycleOptions {
  const d = ONE_CYCLE_DEFAULTS;
  const out: { -readonly [K in keyof OneCycleOptions]: OneCycleOptions[K] } = {};
  if (opts.pctStart !== undefined && opts.pctStart !== d.pctStart) out.pctStart = opts.pctStart;
  if (opts.div !== undefined && opts.div !== d.div) out.div = opts.div;
  if (opts.divFinal !== undefined && opts.divFinal !== d.divFinal) out.divFinal = opts.divFinal;
  if (opts.moms && opts.moms.some((m, i) => m !== d.moms[i])) out.moms = opts.moms;
  return out;
}

/**
 * The schedule a one-cycle fit will follow, sampled at `points` positions from its start to its
 * end: the learning rate of each layer group (`lrMaxes`, one per group) and the momentum.
 */
export function oneCyclePreview(lrMaxes: readonly number[], opts: OneCycleOptions = {}, points = 101): { pos: number[]; lrs: number[][]; mom: number[] } {
  const pos = Array.from({ length: points }, (_, i) => i / (points - 1));
  const mom = oneCycleMom(opts);
  return { pos, lrs: lrMaxes.map((lr) => pos.map(oneCycleLr(lr, opts))), mom: pos.map(mom) };
}

export interface OneCycleOptions {
  /** lr starts at lrMax / div. */
  readonly div?: number;
  /** lr ends at lrMax / divFinal. */
  readonly divFinal?: number;
  /** Fraction of training spent warming up. */
  readonly pctStart?: number;
  /** Momentum (Adam's beta1) at the start, the peak lr, and the end. */
  readonly moms?: readonly [number, number, number];
}

/**
 * One-cycle learning rate: cosine warm-up lrMax/25 -> lrMax over 25%, then cosine down to lrMax/1e5.
 * @example oneCycleLr(1e-2)(0.25) // 1e-2
 */
export function oneCycleLr(lrMax: number, opts: OneCycleOptions = {}): Schedule {
  // Destructuring defaults, not a spread: an option passed as undefined (`{ pctStart: undefined }`) means the default.
  const { div = ONE_CYCLE_DEFAULTS.div, divFinal = ONE_CYCLE_DEFAULTS.divFinal, pctStart = ONE_CYCLE_DEFAULTS.pctStart } = opts;
  return combinedCos(pctStart, lrMax / div, lrMax, lrMax / divFinal);
}

/**
 * One-cycle momentum: 0.95 -> 0.85 while the lr rises, then back to 0.95.
 * @example oneCycleMom()(0.25) // 0.85
 */
export function oneCycleMom(opts: OneCycleOptions = {}): Schedule {
  const { pctStart = ONE_CYCLE_DEFAULTS.pctStart, moms = ONE_CYCLE_DEFAULTS.moms } = opts;
  return combinedCos(pctStart, moms[0], moms[1], moms[2]);
}

/**
 * fastai's `even_mults`: n values geometric from lo to hi, lo * (hi / lo) ** (i / (n - 1)).
 * @example spreadLrs(1e-5, 1e-3, 3) // [1e-5, 1e-4, 1e-3]
 */
export function spreadLrs(lo: number, hi: number, nGroups: number): number[] {
  if (nGroups <= 1) return [hi];
  const step = (hi / lo) ** (1 / (nGroups - 1));
  return Array.from({ length: nGroups }, (_, i) => (i === nGroups - 1 ? hi : lo * step ** i));
}

/** A learning rate as a person gives it: one value, or a `[lo, hi]` slice over the layer groups. */
export type LrSpec = number | readonly [number, number];

/**
 * One lr per group. A number applies to every group; `[lo, hi]` spreads geometrically (fastai's
 * `slice(lo, hi)`).
 * @example lrsForGroups([1e-5, 1e-3], 3) // [1e-5, 1e-4, 1e-3]
 */
export function lrsForGroups(lr: LrSpec, nGroups: number): number[] {
  return typeof lr === 'number' ? Array(nGroups).fill(lr) : spreadLrs(lr[0], lr[1], nGroups);
}
