import type { Callback, LearnerView } from './callback';
import type { Schedule } from './schedules';

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
      opt.setHyper(
        'lr',
        scheds.lr.map((f) => f(state.pctTrain)),
      );
      if (scheds.mom) opt.setHyper('mom', scheds.mom(state.pctTrain));
    },
  };
}
