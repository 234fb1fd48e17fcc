import type { Learner } from './learner';
import type { OneCycleOptions } from './schedules';
import type { FitOptions, FitResult } from './types';

/** fastai v2's `fine_tune` parameters (`learner.fine_tune` in fastai/callback/schedule.py). */
export interface FineTuneOptions extends FitOptions {
  /** Epochs of the frozen phase (fastai: 1). */
  readonly freezeEpochs?: number;
  /** The slice's spread: the first layer group trains at lr / lrMult (fastai: 100). */
  readonly lrMult?: number;
  /** Warm-up fraction of the unfrozen phase (fastai: 0.3). */
  readonly pctStart?: number;
  /** The unfrozen phase starts at lr / div (fastai: 5). */
  readonly div?: number;
  /**
   * The base rate of the unfrozen phase (default: the frozen phase's). A head on cached features
   * takes rates a whole body does not: on mnist_tiny, auto's 1e-1 gave the frozen head 0.957, and
   * then slice(5e-4, 5e-2) on the unfrozen MobileNetV2 left it at 0.529. The studio and the command
   * line pass the finder's valley here when the frozen rate is auto's and above it.
   */
  readonly unfrozenBaseLr?: number;
  /**
   * Runs the frozen phase; the learner's own `fitOneCycle` by default. The studio passes the fast
   * path's (a head learner on cached body features) when a person asks for it.
   */
  readonly frozenFit?: (epochs: number, lr: number, opts: FitOptions & OneCycleOptions) => Promise<FitResult>;
  /** Called between the phases, e.g. to tell the page the body is now unfrozen. */
  readonly onUnfreeze?: () => void;
}

/** The two phases' schedules as fastai computes them from `baseLr`. */
export interface FineTunePlan {
  readonly frozen: { readonly epochs: number; readonly lr: number; readonly pctStart: number };
  readonly unfrozen: { readonly epochs: number; readonly lr: readonly [number, number]; readonly pctStart: number; readonly div: number };
}

/**
 * fastai's recipe: frozen `fit_one_cycle(freezeEpochs, baseLr, pct_start=0.99)`, then
 * `baseLr / 2`, unfreeze, `fit_one_cycle(epochs, slice(baseLr / 2 / lrMult, baseLr / 2), pct_start=0.3, div=5)`
 * (with `unfrozenBaseLr` in place of `baseLr` for the unfrozen phase when given).
 * @example fineTunePlan(3, 2e-3).unfrozen.lr // [1e-5, 1e-3]
 * @example fineTunePlan(3, 1e-1, { unfrozenBaseLr: 2e-3 }).unfrozen.lr // [1e-5, 1e-3]
 */
export function fineTunePlan(epochs: number, baseLr: number, opts: Omit<FineTuneOptions, keyof FitOptions | 'frozenFit' | 'onUnfreeze'> = {}): FineTunePlan {
  const { freezeEpochs = 1, lrMult = 100, pctStart = 0.3, div = 5, unfrozenBaseLr = baseLr } = opts;
  const half = unfrozenBaseLr / 2;
  return {
    frozen: { epochs: freezeEpochs, lr: baseLr, pctStart: 0.99 },
    unfrozen: { epochs, lr: [half / lrMult, half], pctStart, div },
  };
}

/**
 * Runs `fineTunePlan` on `learn`: freeze, the frozen cycle, unfreeze, the unfrozen cycle. A stop
 * in the frozen phase ends it there (the body stays frozen); a NaN loss rejects as in any fit.
 * @example await fineTune(learn, 3, 2e-3);
 */
export async function fineTune(learn: Learner, epochs: number, baseLr = 2e-3, opts: FineTuneOptions = {}): Promise<FitResult> {
  const { freezeEpochs, lrMult, pctStart, div, unfrozenBaseLr, frozenFit, onUnfreeze, ...fitOpts } = opts;
  const plan = fineTunePlan(epochs, baseLr, { freezeEpochs, lrMult, pctStart, div, unfrozenBaseLr });
  learn.freeze();
  if (plan.frozen.epochs > 0) {
    const frozenOpts = { ...fitOpts, pctStart: plan.frozen.pctStart };
    const first = frozenFit ? await frozenFit(plan.frozen.epochs, plan.frozen.lr, frozenOpts) : await learn.fitOneCycle(plan.frozen.epochs, plan.frozen.lr, frozenOpts);
    if (first.cancelled) return first;
  }
  learn.unfreeze();
  onUnfreeze?.();
  const { lr, ...cycle } = plan.unfrozen;
  return learn.fitOneCycle(plan.unfrozen.epochs, lr, { ...fitOpts, pctStart: cycle.pctStart, div: cycle.div });
}
