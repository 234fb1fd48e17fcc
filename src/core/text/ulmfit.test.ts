import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifierLoader } from './loaders';
import { TextClassifier } from './models';
import { TextLearner } from './textLearner';
import { LESSON_RATES, SMALL_DATA_RATES, fineTuneUlmfit, ulmfitStages } from './ulmfit';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ULMFiT stages', () => {
  it('are lesson 3`s: frozen, freeze_to(-2), freeze_to(-3), unfrozen, with slices of 2.6^4', () => {
    const s = ulmfitStages(2e-2, 2, LESSON_RATES);
    expect(s.map((x) => x.freezeTo)).toEqual([-1, -2, -3, 0]);
    expect(s.map((x) => x.epochs)).toEqual([1, 1, 1, 2]);
    expect(s[0].lr).toBe(2e-2);
    const [lo, hi] = s[3].lr as [number, number];
    expect(hi).toBeCloseTo(1e-3, 12);
    expect(lo).toBeCloseTo(1e-3 / 2.6 ** 4, 12);
  });

  it('at the small-data rates train every unfrozen group at the stage`s rate, the last stage at half the first', () => {
    const s = ulmfitStages(2e-2, 9, SMALL_DATA_RATES);
    expect(s.map((x) => x.freezeTo)).toEqual([-1, -2, -3, 0]);
    expect(s.map((x) => x.epochs)).toEqual([1, 1, 1, 9]);
    expect(s.map((x) => x.lr)).toEqual([2e-2, 1e-2, 5e-3, 1e-2]);
  });

  it('run one fit per stage, unfreezing group by group', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => Int32Array.from({ length: 5 + (i % 3) }, (_, j) => 2 + ((i + j) % 10)));
    const labels = texts.map((_, i) => i % 2);
    const clas = new TextClassifier({ vocabSize: 16, embSize: 4, hidden: 6, layers: 2, numClasses: 2, seed: 1 });
    const learn = new TextLearner(clas, { train: classifierLoader(texts, labels, { bs: 4, shuffle: true, seed: 1 }), valid: classifierLoader(texts, labels, { bs: 6 }) });
    const embedding = async () => Array.from(await clas.encoder.embedding.data());
    const start = await embedding();
    const [first, ...rest] = ulmfitStages(1e-2, 1);
    await fineTuneUlmfit(learn, [first]);
    // Frozen: only the head trained, so the embedding (group 0 of 4) is as it was.
    expect(await embedding()).toEqual(start);
    await fineTuneUlmfit(learn, rest);
    expect(await embedding()).not.toEqual(start);
    expect(learn.recorder.epochs.map((e) => e.fit)).toEqual([0, 1, 2, 3]);
    learn.dispose();
    clas.dispose();
  });
});
