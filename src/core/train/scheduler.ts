import { CancelFitError, type Callback, type LearnerView } from './callback';
import { schedExp, type Schedule } from './schedules';

/** Hyper-parameter schedules: lr per parameter group, and an optional momentum schedule. */
export interface ParamSchedules {
  readonly lr: readonly Schedule[];
  readonly mom?: Schedule;
}

/**
 * fastai's `ParamScheduler`: before every training batch, sets each group's lr (and momentum)
 * from its schedule at pos = trainIter / totalIters.
 */
export function paramScheduler(scheds: ParamSchedules): Callback {
  return {
    name: 'paramScheduler',
    order: 60,
    beforeBatch: ({ state, opt }: LearnerView) => {
      if (state.phase === 'valid') return;
      opt.setHyper('lr', scheds.lr.map((f) => f(state.pctTrain)));
      if (scheds.mom) opt.setHyper('mom', scheds.mom(state.pctTrain));
    },
  };
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
    beforeBatch: ({ state, opt }: LearnerView) => opt.setHyper('lr', schedExp(start, end, state.trainIter / numIt)),
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
