import type { TrainState } from './trainState';

// Whether each command can run now, and if not, why, in words for the button's tooltip. The
// cells disable their buttons with these (`disabled={!can.ok}`, `title={can.why}`) instead of
// spelling the checks inline; each is pure, over the few fields it reads.

/** A command that can run now, or the reason it cannot. */
export type CanRun = { readonly ok: true; readonly why?: undefined } | { readonly ok: false; readonly why: string };

const OK: CanRun = { ok: true };
const no = (why: string): CanRun => ({ ok: false, why });

type Busy = Pick<TrainState, 'busy'>;
type BusyLearner = Pick<TrainState, 'busy' | 'learner'>;

/** What each `busy` value is, as a person reads it. */
const RUNNING: Record<NonNullable<TrainState['busy']>, string> = {
  data: 'The data block is being built',
  learner: 'The learner is being built',
  lrFind: 'The LR finder is running',
  fit: 'A fit is running',
  results: 'The results are being computed',
  predict: 'Pictures are being predicted',
  project: 'The model is being exported or imported',
};

/** Nothing runs, or what runs and what to do about it. */
function idle(state: Busy): CanRun {
  if (state.busy === null) return OK;
  const stoppable = state.busy === 'fit' || state.busy === 'lrFind';
  return no(`${RUNNING[state.busy]}: wait for it to end${stoppable ? ' or press Stop' : ''}`);
}

/** Nothing runs and there is a learner. */
function idleWithLearner(state: BusyLearner): CanRun {
  const free = idle(state);
  if (!free.ok) return free;
  return state.learner ? OK : no('Build the learner first');
}

/** "Build data block": files chosen and no build running. */
export function canBuildData(building: boolean, fileCount: number): CanRun {
  if (building) return no('The data block is being built');
  return fileCount > 0 ? OK : no('Choose a folder of pictures first');
}

/** "Build learner": nothing runs and the learner's settings have no problem (each named). */
export function canBuildLearner(state: Busy, problems: readonly string[]): CanRun {
  if (problems.length > 0) return no(problems.join('\n'));
  return idle(state);
}

/** "Freeze body" and "Unfreeze". */
export function canFreeze(state: BusyLearner): CanRun {
  return idleWithLearner(state);
}

/** "Run LR finder". */
export function canLrFind(state: BusyLearner): CanRun {
  return idleWithLearner(state);
}

/** "Fit". */
export function canFit(state: BusyLearner): CanRun {
  return idleWithLearner(state);
}

/** fastai's `fine_tune` recipe: it freezes the body first, so the model needs a body apart from its head. */
export function canFineTuneRecipe(state: BusyLearner): CanRun {
  const can = idleWithLearner(state);
  if (!can.ok) return can;
  return (state.learner?.groups.length ?? 0) < 2 ? no('fine_tune freezes the body, and this model has only one layer group') : OK;
}

/** "Stop": a fit or the LR finder runs. */
export function canStop(state: Busy): CanRun {
  return state.busy === 'fit' || state.busy === 'lrFind' ? OK : no('Nothing is running that Stop could end');
}

/** "Resume fit": as Fit, and the data it trained on is back. */
export function canResume(state: BusyLearner, hasData: boolean): CanRun {
  const can = idleWithLearner(state);
  if (!can.ok) return can;
  return hasData ? OK : no('The data is needed to train: choose the folder again');
}

/** "Show results". */
export function canShowResults(state: BusyLearner): CanRun {
  return idleWithLearner(state);
}

/** A new multi-label threshold (typed, the best one, or a click on the chart). */
export function canSetThreshold(state: Busy): CanRun {
  return idle(state);
}

/** Predicting a test folder for a submission. */
export function canPredictTest(state: BusyLearner): CanRun {
  return idleWithLearner(state);
}

/** "Download submission.csv". */
export function canDownloadSubmission(state: Busy): CanRun {
  return idle(state);
}

/** Choosing pictures to predict: there is a model (it may be predicting already: they queue). */
export function canPredict(state: Pick<TrainState, 'learner'>): CanRun {
  return state.learner ? OK : no('Build the learner or import a model first');
}

/** "Fine-tune with corrections": nothing runs, some picture was corrected, the training data is loaded. */
export function canFineTuneCorrections(state: Busy, corrections: number, hasData: boolean): CanRun {
  if (!hasData) return no('Load the training data first');
  if (corrections === 0) return no('Mark a wrong prediction with its right label first');
  return idle(state);
}

/** Nothing runs, and a trained learner and its data are there to `action`. */
function trainedAndIdle(state: Pick<TrainState, 'busy' | 'learner' | 'rows'>, hasData: boolean, action: string): CanRun {
  const free = idle(state);
  if (!free.ok) return free;
  if (!state.learner) return no(`Build the learner and train it first to ${action}`);
  if (state.rows.length === 0) return no(`Train first to ${action}`);
  return hasData ? OK : no(`The data is needed to ${action} (its classes and normalization): choose the folder again`);
}

/** Downloading the model (tfjs or PyTorch). */
export function canExport(state: Pick<TrainState, 'busy' | 'learner' | 'rows'>, hasData: boolean): CanRun {
  return trainedAndIdle(state, hasData, 'export');
}

/** `learn.save`: as an export, into this browser. */
export function canSaveCheckpoint(state: Pick<TrainState, 'busy' | 'learner' | 'rows'>, hasData: boolean): CanRun {
  return trainedAndIdle(state, hasData, 'save a checkpoint');
}

/** `learn.load`: into the learner there is. */
export function canLoadCheckpoint(state: BusyLearner): CanRun {
  return idleWithLearner(state);
}

/** Deleting a checkpoint: while nothing runs (a save or load may be using it). */
export function canDeleteCheckpoint(state: Busy): CanRun {
  return idle(state);
}

/** "Load sample": the list of samples is there and no download runs (`loading` says which does). */
export function canLoadSample(loading: string, sampleCount: number): CanRun {
  if (loading !== '') return no(loading);
  return sampleCount > 0 ? OK : no('No built-in samples were found');
}

/** Downloading a dataset's address (or loading one kept in this browser, `url` its address): none runs. */
export function canLoadUrl(loading: string, url: string): CanRun {
  if (loading !== '') return no(loading);
  return url.trim() ? OK : no("Type a dataset's address first");
}
