/**
 * The text route on the spam_tiny sample, through the worker's session (wasm): the classifier
 * from scratch and ULMFiT (language model, then the classifier on its encoder with gradual
 * unfreezing) must beat the most frequent class; bag-of-words and step times are reported.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from '../io/node/nodeFiles';
import { loadWasmBackend } from '../core/tf/testing/wasm';
import { TEXT_DEFAULTS } from '../core/text/textData';
import { OneAtATime } from './sessionParts';
import { TextSession } from './textSession';
import type { EpochEvent, WorkerEvent } from './protocol';

beforeAll(async () => {
  await loadWasmBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('text on spam_tiny (wasm)', () => {
  it('classifies e-mails above the most frequent class, from scratch and by ULMFiT', async () => {
    const epochs: EpochEvent[] = [];
    const post = (e: WorkerEvent) => e.type === 'epoch' && epochs.push(e);
    const s = new TextSession(new OneAtATime(), post);
    const info = await s.setData({ source: { kind: 'folder' }, ...TEXT_DEFAULTS }, readFolder('public/samples/spam_tiny'));
    const validCounts = info.counts.map((c) => c.valid);
    const mostFrequent = Math.max(...validCounts) / info.valid;
    // Seconds per epoch (training and validation) of the epochs since the last call.
    const ms = () => `${epochs.splice(0).map((e) => e.seconds.toFixed(1)).join('/')} s/epoch`;

    await s.buildLearner('classifier');
    await s.fit(2, 1e-2);
    const scratch = epochs.at(-1)!.metrics.accuracy;
    const scratchMs = ms();

    await s.buildLearner('lm');
    await s.fit(1, 2e-2);
    const lm = epochs.at(-1)!.metrics;
    const lmMs = ms();
    await s.buildLearner('classifierFromLm');
    await s.ulmfit(2e-2, 1);
    const ulmfit = epochs.at(-1)!.metrics.accuracy;
    const gen = await s.predict('Click here to', 10);
    console.log(
      `spam_tiny: ${info.train} train / ${info.valid} valid / ${info.unsup} unsup, vocab ${info.vocabSize}, unknown ${(100 * info.unkValid).toFixed(1)}% valid; ` +
        `most frequent ${mostFrequent.toFixed(3)}; scratch 2 epochs ${scratch.toFixed(3)} (${scratchMs}); LM 1 epoch perplexity ${lm.perplexity.toFixed(1)} accuracy ${lm.accuracy.toFixed(3)} (${lmMs}); ` +
        `ULMFiT 4 stages ${ulmfit.toFixed(3)} (${ms()}); generated: ${gen.kind === 'generated' ? gen.generated : ''}`,
    );
    expect(scratch).toBeGreaterThan(mostFrequent);
    expect(ulmfit).toBeGreaterThan(mostFrequent);
    s.clear();
  }, 600_000);
});
