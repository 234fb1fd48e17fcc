import { describe, expect, it } from 'vitest';
import { dataReducer, initialDataState } from './dataState';
import { initialTextState, textReducer } from './textState';
import { initialTrainState, trainReducer } from './trainState';
import { workerTextBuilder } from './dataActions';
import type { TextDataInfo } from '../core/text/textView';

const info = (blocking: boolean): TextDataInfo => ({
  task: 'single',
  classes: ['ham', 'spam'],
  counts: [],
  train: 2,
  valid: 2,
  unsup: 0,
  vocabSize: 16,
  tokens: 20,
  unkTrain: 0,
  unkValid: 0.1,
  problems: blocking ? [{ level: 'error', blocking: true, message: 'no classes' }] : [{ level: 'warning', file: 'a.txt', message: 'a.txt is empty; left out' }],
  batch: [],
  lmBatch: [],
});

describe('text state', () => {
  it('a built text block marks the data built (its problems kept) unless a problem blocks it', () => {
    const spec = { ...initialDataState.spec };
    const loaded = dataReducer(initialDataState, { type: 'filesLoaded', files: [], source: 's', spec, textSpec: { source: { kind: 'folder' }, validPct: 0.2, seed: 1, minFreq: 2, maxVocab: 100 } });
    const built = dataReducer(loaded, { type: 'textBuilt', info: info(false), spec });
    expect(built.builtSpec).toBe(spec);
    expect(built.text?.problems).toHaveLength(1);
    expect(dataReducer(loaded, { type: 'textBuilt', info: info(true), spec }).builtSpec).toBeNull();
    // Image files afterwards leave text behind.
    expect(dataReducer(built, { type: 'filesLoaded', files: [], source: 'x', spec }).textSpec).toBeNull();
  });

  it('counts the language model`s epochs and starts a new language model from zero', () => {
    let s = textReducer(initialTextState, { type: 'textLearner', kind: 'lm' });
    s = textReducer(textReducer(s, { type: 'lmTrained', epochs: 1 }), { type: 'lmTrained', epochs: 1 });
    expect(textReducer(s, { type: 'textLearner', kind: 'classifierFromLm' }).lmEpochs).toBe(2);
    expect(textReducer(s, { type: 'textLearner', kind: 'lm' }).lmEpochs).toBe(0);
  });

  it('a text rebuild drops the page`s learner, LR finder and text results, as the worker drops its models; a redraw does not', async () => {
    let rebuilt = 0;
    const calls: string[] = [];
    const builder = workerTextBuilder(
      {
        setTextData: async () => (calls.push('build'), info(false)),
        redrawText: async () => (calls.push('redraw'), info(false)),
      },
      () => rebuilt++,
    );
    await builder.build({ source: { kind: 'folder' }, validPct: 0.2, seed: 1, minFreq: 2, maxVocab: 100 }, [], 0);
    await builder.redraw(1);
    expect([calls, rebuilt]).toEqual([['build', 'redraw'], 1]);
    const learner = { task: 'single', arch: 'AWD-LSTM', groups: [], totalParams: 1, body: '' } as const;
    const trained = trainReducer(trainReducer(initialTrainState, { type: 'learnerReady', learner }), { type: 'finderStarted' });
    const dropped = trainReducer(trained, { type: 'learnerDropped' });
    expect([dropped.learner, dropped.finder]).toEqual([null, null]);
    const text = textReducer(textReducer({ ...initialTextState, ulmfitLr: 1e-2 }, { type: 'textLearner', kind: 'lm' }), { type: 'lmTrained', epochs: 2 });
    expect(textReducer(text, { type: 'textReset' })).toEqual({ ...initialTextState, ulmfitLr: 1e-2 });
    // The ULMFiT settings a person chose survive a reset, the rates' choice too.
    const chosen = textReducer(text, { type: 'ulmfitSettings', rates: 'lesson', lastEpochs: 2 });
    expect(textReducer(chosen, { type: 'textReset' })).toEqual({ ...initialTextState, ulmfitLr: 1e-2, ulmfitLastEpochs: 2, ulmfitRates: 'lesson' });
  });
});
