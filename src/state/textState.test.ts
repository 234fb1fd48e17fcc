import { describe, expect, it } from 'vitest';
import { dataReducer, initialDataState } from './dataState';
import { initialTextState, textReducer } from './textState';
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
});
