import { describe, expect, it } from 'vitest';
import type { LearnerInfo } from '../workers/protocol';
import {
  canBuildData,
  canBuildLearner,
  canDeleteCheckpoint,
  canDownloadSubmission,
  canExport,
  canFineTuneCorrections,
  canFineTuneRecipe,
  canFit,
  canFreeze,
  canLoadCheckpoint,
  canLoadSample,
  canLoadUrl,
  canLrFind,
  canPredict,
  canPredictTest,
  canResume,
  canSaveCheckpoint,
  canSetThreshold,
  canShowResults,
  canStop,
} from './canRun';
import { initialTrainState, type TrainState } from './trainState';

const group = (name: string, frozen = false) => ({ name, params: 10, frozen });
const learner: LearnerInfo = { task: 'single', arch: 'small CNN', groups: [group('body 1', true), group('head')], totalParams: 20 };
const row = { type: 'epoch', fit: 1, epoch: 0, trainLoss: 1, validLoss: 1, metrics: {}, seconds: 1, run: 1 } as const;

/** The training state with a learner (two groups), one trained epoch, and `busy`. */
function state(over: Partial<TrainState> = {}): TrainState {
  return { ...initialTrainState, learner, rows: [row], ...over };
}

describe('each command says whether it can run now, and why not', () => {
  const learnerCommands = { canFreeze, canLrFind, canFit, canShowResults, canPredictTest, canLoadCheckpoint };

  it.each(Object.entries(learnerCommands))('%s needs a learner and nothing running', (_, can) => {
    expect(can(state())).toEqual({ ok: true });
    expect(can(state({ learner: null }))).toEqual({ ok: false, why: 'Build the learner first' });
    expect(can(state({ busy: 'fit' }))).toEqual({ ok: false, why: 'A fit is running: wait for it to end or press Stop' });
    expect(can(state({ busy: 'results' }))).toEqual({ ok: false, why: 'The results are being computed: wait for it to end' });
  });

  it('names every busy command, and says Stop only for the fit and the LR finder', () => {
    const busy = ['data', 'learner', 'lrFind', 'fit', 'results', 'predict', 'project'] as const;
    const whys = busy.map((b) => canFit(state({ busy: b })).why);
    expect(new Set(whys).size).toBe(busy.length);
    expect(whys.filter((w) => w?.includes('press Stop'))).toEqual(['The LR finder is running: wait for it to end or press Stop', 'A fit is running: wait for it to end or press Stop']);
  });

  it('a busy page is named before a missing learner', () => {
    expect(canLrFind(state({ busy: 'data', learner: null })).why).toBe('The data block is being built: wait for it to end');
  });

  it('building the learner waits for a running command and names the settings that are wrong', () => {
    expect(canBuildLearner(state({ learner: null }), [])).toEqual({ ok: true });
    expect(canBuildLearner(state({ busy: 'lrFind' }), []).ok).toBe(false);
    expect(canBuildLearner(state(), ['Weight decay must be at least 0', 'Threshold must be below 1'])).toEqual({ ok: false, why: 'Weight decay must be at least 0\nThreshold must be below 1' });
  });

  it("fastai's fine_tune needs a body apart from the head", () => {
    expect(canFineTuneRecipe(state())).toEqual({ ok: true });
    expect(canFineTuneRecipe(state({ learner: { ...learner, groups: [group('head')] } })).ok).toBe(false);
    expect(canFineTuneRecipe(state({ learner: null })).why).toBe('Build the learner first');
    expect(canFineTuneRecipe(state({ busy: 'predict' })).ok).toBe(false);
  });

  it('Stop ends a fit or the LR finder only', () => {
    expect(canStop(state({ busy: 'fit' })).ok).toBe(true);
    expect(canStop(state({ busy: 'lrFind' })).ok).toBe(true);
    for (const busy of [null, 'data', 'learner', 'results', 'predict', 'project'] as const) expect(canStop(state({ busy })).ok).toBe(false);
  });

  it('a resume needs the data back', () => {
    expect(canResume(state(), true)).toEqual({ ok: true });
    expect(canResume(state(), false)).toEqual({ ok: false, why: 'The data is needed to train: choose the folder again' });
    expect(canResume(state({ learner: null }), true).ok).toBe(false);
    expect(canResume(state({ busy: 'fit' }), true).ok).toBe(false);
  });

  it('a threshold and the submission wait for a running command only', () => {
    for (const can of [canSetThreshold, canDownloadSubmission]) {
      expect(can(state({ learner: null }))).toEqual({ ok: true });
      expect(can(state({ busy: 'predict' }))).toEqual({ ok: false, why: 'Pictures are being predicted: wait for it to end' });
    }
  });

  it('pictures can be predicted whenever there is a model', () => {
    expect(canPredict(state({ busy: 'fit' }))).toEqual({ ok: true });
    expect(canPredict(state({ learner: null }))).toEqual({ ok: false, why: 'Build the learner or import a model first' });
  });

  it('fine-tuning on corrections needs a correction, the training data, and nothing running', () => {
    expect(canFineTuneCorrections(state(), 1, true)).toEqual({ ok: true });
    expect(canFineTuneCorrections(state(), 1, false)).toEqual({ ok: false, why: 'Load the training data first' });
    expect(canFineTuneCorrections(state(), 0, true).ok).toBe(false);
    expect(canFineTuneCorrections(state({ busy: 'results' }), 2, true).ok).toBe(false);
  });

  it('export and learn.save need a trained learner, its data, and nothing running', () => {
    for (const [can, action] of [
      [canExport, 'export'],
      [canSaveCheckpoint, 'save a checkpoint'],
    ] as const) {
      expect(can(state(), true)).toEqual({ ok: true });
      expect(can(state({ rows: [] }), true)).toEqual({ ok: false, why: `Train first to ${action}` });
      expect(can(state({ learner: null }), true).why).toBe(`Build the learner and train it first to ${action}`);
      expect(can(state(), false).why).toMatch(/choose the folder again/);
      expect(can(state({ busy: 'project' }), true).ok).toBe(false);
    }
  });

  it('a checkpoint is deleted while nothing runs', () => {
    expect(canDeleteCheckpoint(state({ learner: null })).ok).toBe(true);
    expect(canDeleteCheckpoint(state({ busy: 'fit' })).ok).toBe(false);
  });

  it('the data block builds from chosen files, once at a time', () => {
    expect(canBuildData(false, 3)).toEqual({ ok: true });
    expect(canBuildData(false, 0).ok).toBe(false);
    expect(canBuildData(true, 3)).toEqual({ ok: false, why: 'The data block is being built' });
  });

  it('a sample or a dataset address loads when nothing else is downloading', () => {
    expect(canLoadSample('', 2)).toEqual({ ok: true });
    expect(canLoadSample('', 0).ok).toBe(false);
    expect(canLoadSample('Downloading 3 MB…', 2)).toEqual({ ok: false, why: 'Downloading 3 MB…' });
    expect(canLoadUrl('', 'https://example.org/mnist_tiny.tgz')).toEqual({ ok: true });
    expect(canLoadUrl('', '  ').ok).toBe(false);
    expect(canLoadUrl('Downloading…', 'https://example.org/a.zip').ok).toBe(false);
  });
});
