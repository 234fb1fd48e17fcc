import type { TrainState } from '../../state/trainState';

// The training-state fields each cell shows. App hands a cell only these (`useSlice`), so a
// progress event, which changes none of them, does not redraw the learner, results, predict or
// project cells.

export const LEARNER_FIELDS = ['archChosen', 'busy', 'learner', 'learnerSpec'] as const;
export const PROJECT_FIELDS = ['busy', 'checkpoints', 'learner', 'rows'] as const;
export const RESULTS_FIELDS = ['busy', 'data', 'learner', 'learnerSpec', 'results', 'rows', 'thresholdMetrics', 'test'] as const;
export const PREDICT_FIELDS = ['busy', 'epochs', 'learner', 'learnerSpec', 'lrInput', 'predictions'] as const;

export type LearnerSlice = Pick<TrainState, (typeof LEARNER_FIELDS)[number]>;
export type ProjectSlice = Pick<TrainState, (typeof PROJECT_FIELDS)[number]>;
export type ResultsSlice = Pick<TrainState, (typeof RESULTS_FIELDS)[number]>;
export type PredictSlice = Pick<TrainState, (typeof PREDICT_FIELDS)[number]>;
