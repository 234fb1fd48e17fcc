/**
 * fastai's LR finder in one place: the callback that sweeps the learning rate and records the
 * smoothed loss (`callback/schedule.py`'s `LRFinder`), its rate at each step, and the suggestions
 * read off the curve (`valley`, `slide`, `steep`, `minimum`). The suggestions are pure functions
 * on plain arrays; `Learner.lrFind` runs the callback.
 */
import { CancelFitError, type Callback, type LearnerView } from './callback';
import { schedExp } from './schedules';

/** The four suggestions fastai offers, each a learning rate. */
export interface LrSuggestions {
  /** Two thirds down the longest valley of the loss curve (fastai's default). */
  readonly valley: number;
  /** fastai's interval slide rule: left of where the loss curve's slope settles. */
  readonly slide: number;
  /** Where the loss falls fastest against log(lr). */
  readonly steep: number;
  /** One tenth of the lr at the lowest loss. */
  readonly minimum: number;
}

/**
 * fastai's `valley`: the longest strictly decreasing run (a longest-decreasing-subsequence
 * DP), then the point at int(len/3) + int(len/6) into it.
 * @example valleyIndex([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]) // 3
 */
export function valleyIndex(losses: readonly number[]): number {
  const n = losses.length;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      // fastai updates the best run inside the inner loop; the result is the same as after it.
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  // fastai's start is one before the run (maxEnd - length), so a short run can give -1: clamp it.
  return Math.max(0, maxStart + Math.trunc(sections) + Math.trunc(sections / 2));
}

/**
 * fastai's `steep`: argmin of (loss[i+1] - loss[i]) / (log lr[i+1] - log lr[i]).
 * @example steepIndex([1, 2, 3], [5, 4, 1]) // 1
 */
export function steepIndex(lrs: readonly number[], losses: readonly number[]): number {
  let best = 0;
  let bestSlope = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const slope = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]));
    if (slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best;
}

/**
 * fastai's `slide` (the interval slide rule): with the loss gradient g (numpy's `gradient`:
 * central differences, one-sided at the ends), a window of `lrDiff` points slides left from the
 * end of the curve while its two ends' slopes differ by more than `thresh`; the suggestion is
 * the rate at the window's left end when it stops. `thresh` is in loss units, as in fastai.
 * @example slideIndex([5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 9], 3) // 6: the slopes at 6 and 9 first agree
 */
export function slideIndex(losses: readonly number[], lrDiff = 15, thresh = 0.005): number {
  const n = losses.length;
  const g = losses.map((_, i) => {
    if (n < 2) return 0;
    if (i === 0) return losses[1] - losses[0];
    if (i === n - 1) return losses[n - 1] - losses[n - 2];
    return (losses[i + 1] - losses[i - 1]) / 2;
  });
  let r = n - 1;
  let l = r - lrDiff;
  if (l < 0) return 0;
  let chosen = l;
  while (l >= 0 && Math.abs(g[r] - g[l]) > thresh) {
    chosen = l;
    r -= 1;
    l -= 1;
  }
  return chosen;
}

/** Index of the lowest loss (the first one on ties). */
export function minimumIndex(losses: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i] < losses[best]) best = i;
  return best;
}

/**
 * Suggestions from a whole LR-finder run. Like fastai's `lr_find`, the first numIt/10 points
 * and the last 5 are left out (warm-up noise and divergence), and the curve stops at a NaN.
 * @example suggestLrs(lrs, smoothedLosses, 100).valley
 */
export function suggestLrs(lrs: readonly number[], losses: readonly number[], numIt: number): LrSuggestions {
  const nan = losses.findIndex((l) => !Number.isFinite(l));
  const finiteEnd = nan < 0 ? losses.length : nan;
  let from = Math.floor(numIt / 10);
  let to = Math.min(finiteEnd, losses.length - 5);
  // A run that stopped very early leaves too few points for the trimmed window: use all finite ones.
  if (to - from < 3) {
    from = 0;
    to = finiteEnd;
  }
  if (to < 1) throw new Error('The LR finder recorded no finite loss, so no learning rate can be suggested.');
  const l = losses.slice(from, to);
  const r = lrs.slice(from, to);
  return { valley: r[valleyIndex(l)], slide: r[slideIndex(l)], steep: r[steepIndex(r, l)], minimum: r[minimumIndex(l)] / 10 };
}

/**
 * Exponential moving average with debiasing, fastai's `AvgSmoothLoss` (beta 0.98):
 * avg = beta * avg + (1 - beta) * loss; smooth = avg / (1 - beta ** count).
 */
export class SmoothLoss {
  private avg = 0;
  private count = 0;
  constructor(private readonly beta = 0.98) {}
  /** Adds one batch loss and returns the smoothed value. */
  add(loss: number): number {
    this.count += 1;
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    return this.value;
  }
  /** Current smoothed value (NaN before the first loss). */
  get value(): number {
    return this.count === 0 ? NaN : this.avg / (1 - this.beta ** this.count);
  }
  /** Starts over, as fastai does at the start of each fit. */
  reset(): void {
    this.avg = 0;
    this.count = 0;
  }
}

/**
 * The LR finder's learning rate at iteration `i` of `numIt`: start * (end / start) ** (i / numIt).
 * @example lrFinderLr(0, 100) // 1e-7
 */
export function lrFinderLr(i: number, numIt: number, start = 1e-7, end = 10): number {
  return schedExp(start, end, i / numIt);
}

/** Options of the LR finder; defaults are fastai's `lr_find`. */
export interface LrFinderOptions {
  readonly start?: number;
  readonly end?: number;
  readonly numIt?: number;
  /** Stop once the smoothed loss exceeds 4x its minimum. */
  readonly stopDiv?: boolean;
}

/** The LR finder as a callback; after the run, `lrs` and `losses` hold the curve. */
export interface LrFinderCallback extends Callback {
  readonly lrs: number[];
  /** Smoothed (beta 0.98, debiased) loss at each lr. */
  readonly losses: number[];
  readonly numIt: number;
}

/**
 * fastai's `LRFinder`: lr = start * (end / start) ** (i / numIt) at batch i, records
 * (lr, smoothed loss), and cancels the fit after numIt batches or when the loss diverges
 * (smoothed > 4 x best, or not finite).
 */
export function lrFinderCallback(opts: LrFinderOptions = {}): LrFinderCallback {
  const { start = 1e-7, end = 10, stopDiv = true } = opts;
  const numIt = Math.max(6, opts.numIt ?? 100);
  const lrs: number[] = [];
  const losses: number[] = [];
  let best = Infinity;
  return {
    name: 'lrFinder',
    order: 60,
    lrs,
    losses,
    numIt,
    beforeBatch: ({ state, opt }: LearnerView) => opt.setHyper('lr', lrFinderLr(state.trainIter, numIt, start, end)),
    afterLoss: ({ state }: LearnerView) => {
      // Training on a NaN loss only spreads NaN through the weights, so this stops even without stopDiv.
      if (!Number.isFinite(state.loss)) throw new CancelFitError('the loss diverged');
    },
    afterBatch: ({ state, opt }: LearnerView) => {
      lrs.push(opt.hypers[opt.hypers.length - 1].lr);
      losses.push(state.smoothLoss);
      best = Math.min(best, state.smoothLoss);
      if (stopDiv && state.smoothLoss > 4 * best) throw new CancelFitError('the loss diverged');
      if (state.trainIter >= numIt) throw new CancelFitError('the LR finder is done');
    },
  };
}
