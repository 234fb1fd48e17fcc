/**
 * Sentiment on reviews_tiny (600 train / 400 valid one-sentence Amazon reviews), lesson 3's IMDB
 * in miniature, through the worker's session (wasm): the classifier on the language model that
 * starts from the shipped one (GloVe embedding, pretrained on general English) and is fine-tuned
 * on these texts beats bag-of-words logistic regression, computed on the same split and
 * vocabulary, by a stated margin; and beats the same classifier from scratch at equal epochs.
 * Lesson 3's gradual unfreezing (its rates, 12 epochs) is logged: at this size it underfits.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from '../io/node/nodeFiles';
import { readPretrainedLm } from '../io/node/textLm';
import { loadWasmBackend } from '../core/tf/testing/wasm';
import { TEXT_DEFAULTS } from '../core/text/textData';
import { OneAtATime } from './sessionParts';
import { TextSession } from './textSession';
import { textBaselines } from './testing/textRoutes';
import type { EpochEvent, WorkerEvent } from './protocol';

beforeAll(async () => {
  await loadWasmBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const SAMPLE = 'reviews_tiny';
const SPEC = { source: { kind: 'folder' }, ...TEXT_DEFAULTS } as const;
/** Each classifier's epochs: 600 sentences are 19 batches an epoch, so 4 epochs underfit. */
const EPOCHS = 12;
/** The classifiers' rate (one-cycle, unfrozen): measured better than 1e-2 on seeds 1-3 (0.823 against 0.805 on average). */
const CLAS_LR = 5e-3;
/**
 * What ULMFiT must add over bag-of-words: 4 of 400 reviews. Measured on seeds 1-3: 0.830, 0.830
 * and 0.810 against 0.795 (+0.035, +0.035, +0.015).
 */
const MARGIN_BOW = 0.01;
/** And over the same classifier from scratch at equal epochs and rate: 8 of 400 reviews. */
const MARGIN_SCRATCH = 0.02;

describe('sentiment on reviews_tiny (wasm)', () => {
  it('the classifier on the fine-tuned pretrained language model beats bag-of-words by a margin, and scratch at equal epochs', async () => {
    const epochs: EpochEvent[] = [];
    const pretrained = readPretrainedLm();
    const s = new TextSession(
      new OneAtATime(),
      (e: WorkerEvent) => e.type === 'epoch' && epochs.push(e),
      async () => pretrained,
    );
    const info = await s.setData(SPEC, readFolder(`public/samples/${SAMPLE}`), 0, 'shipped');
    const { mostFrequent, bow, vocab } = await textBaselines(SAMPLE);
    const last = () => epochs.at(-1)!.metrics;

    await s.buildLearner('classifier');
    await s.fit(EPOCHS, CLAS_LR);
    const scratch = last().accuracy;

    // fastai's habit on a pretrained language model: one frozen epoch, then unfrozen at a tenth.
    // Gently (1e-2, not the lesson's 2e-2 or more): the frozen epoch trains the embedding, and at
    // 5e-2 ten batches move each GloVe value by as much as its size (the classifier then scored 0.808).
    const lmInfo = await s.buildLearner('lm', 'shipped');
    await s.fit(1, 1e-2);
    s.freeze(false);
    await s.fit(1, 1e-3);
    const perplexity = last().perplexity;

    await s.buildLearner('classifierFromLm');
    s.freeze(false);
    await s.fit(EPOCHS, CLAS_LR);
    const ulmfit = last().accuracy;

    await s.buildLearner('classifierFromLm');
    await s.ulmfit(5e-2, EPOCHS - 3);
    const gradual = last().accuracy;
    console.log(
      `${SAMPLE}: ${info.train} train / ${info.valid} valid, vocab ${info.vocabSize}; most frequent ${mostFrequent.toFixed(3)}, bag-of-words ${bow.toFixed(3)}; ` +
        `scratch ${EPOCHS} epochs at ${CLAS_LR} ${scratch.toFixed(3)}; language model 2 epochs (perplexity ${perplexity.toFixed(1)}), then the classifier unfrozen ${EPOCHS} epochs ${ulmfit.toFixed(3)}, ` +
        `lesson 3's gradual unfreezing ${EPOCHS} epochs ${gradual.toFixed(3)}; ${lmInfo.body}`,
    );
    expect(info.vocabSize).toBe(vocab);
    expect(ulmfit).toBeGreaterThan(bow + MARGIN_BOW);
    expect(ulmfit).toBeGreaterThan(scratch + MARGIN_SCRATCH);
    expect(gradual).toBeGreaterThan(mostFrequent + 0.15);
    s.clear();
  }, 900_000);
});
