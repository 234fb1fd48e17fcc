/**
 * The text route on the spam_tiny sample, through the worker's session (wasm), each model
 * against a baseline computed from the same data:
 * - the classifier from scratch, ULMFiT's classifier (gradual unfreezing at the studio's rates) and the same encoder
 *   unfrozen at once beat the most frequent class (the routes at equal epochs, 4);
 * - the language model started from the shipped pretrained one beats, after one epoch, a
 *   unigram model and the same model started from random weights after the same epoch.
 * - with 20 labelled e-mails per class and the other training e-mails unlabelled (ULMFiT's own
 *   setting), the classifier on the fine-tuned language model, gradual or unfrozen at once, beats
 *   the most frequent class; scratch and bag-of-words are reported (spam is told by its words:
 *   README, "Text quality"; ULMFiT against bag-of-words is asserted on reviews_tiny).
 * - multi-label (spam_tags_tiny's CSV with space-separated tags): the classifier beats "every tag"
 *   and the tag frequencies on F2 and accuracy_thresh.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from '../io/node/nodeFiles';
import { readPretrainedLm } from '../io/node/textLm';
import { loadWasmBackend } from '../core/tf/testing/wasm';
import { lmBatchArrays } from '../core/text/loaders';
import { unigramPerplexity } from '../core/text/metrics';
import { pretrainedWordSet } from '../core/text/pretrainedLmFile';
import { TEXT_DEFAULTS, buildTextData } from '../core/text/textData';
import { ULMFIT_DEFAULTS, ULMFIT_RATES } from '../core/text/ulmfit';
import { OneAtATime } from './sessionParts';
import { TextSession } from './textSession';
import { fewerLabels, textBaselines } from './testing/textRoutes';
import { bestBaseline, trivialBaselines } from '../core/metrics/baselines';
import type { EpochEvent, WorkerEvent } from './protocol';

beforeAll(async () => {
  await loadWasmBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const SAMPLE = 'public/samples/spam_tiny';
const SPEC = { source: { kind: 'folder' }, ...TEXT_DEFAULTS } as const;

describe('text on spam_tiny (wasm)', () => {
  it('classifies e-mails above the most frequent class, from scratch and by ULMFiT on the pretrained language model', async () => {
    const epochs: EpochEvent[] = [];
    const post = (e: WorkerEvent) => e.type === 'epoch' && epochs.push(e);
    const pretrained = readPretrainedLm();
    const s = new TextSession(new OneAtATime(), post, async () => pretrained);
    // The vocabulary the studio builds next to the shipped model: its words from one occurrence.
    const info = await s.setData(SPEC, readFolder(SAMPLE), 0, 'shipped');
    const { mostFrequent, bow } = await textBaselines('spam_tiny');
    // The unigram model's perplexity on the validation stream the language model is scored on.
    const data = await buildTextData(readFolder(SAMPLE), SPEC, pretrainedWordSet(pretrained.info));
    const ids = (items: typeof data.train) => items.map((t) => t.ids);
    const validTargets = lmBatchArrays(ids(data.valid), 0, { bs: 32, seqLen: 40 }).map((b) => b.y);
    const unigram = unigramPerplexity([...ids(data.train), ...ids(data.unsup)], validTargets, data.vocab.itos.length);
    const ms = () =>
      `${epochs
        .splice(0)
        .map((e) => e.seconds.toFixed(1))
        .join('/')} s/epoch`;

    // As many epochs as ULMFiT's four stages below: the routes are compared at equal epochs.
    await s.buildLearner('classifier');
    await s.fit(4, 1e-2);
    const scratch = epochs.at(-1)!.metrics.accuracy;
    const scratchMs = ms();

    await s.buildLearner('lm');
    await s.fit(1, 2e-2);
    const randomLm = epochs.at(-1)!.metrics.perplexity;
    ms();
    const lmInfo = await s.buildLearner('lm', 'shipped');
    expect(lmInfo.groups.map((g) => g.frozen)).toEqual([true, true, false]);
    await s.fit(1, 2e-2);
    const lm = epochs.at(-1)!.metrics;
    const lmMs = ms();
    const gen = await s.predict('Click here to', 12);
    await s.buildLearner('classifierFromLm');
    await s.ulmfit(ULMFIT_DEFAULTS.lr, 1, ULMFIT_RATES[ULMFIT_DEFAULTS.rates]);
    const ulmfit = epochs.at(-1)!.metrics.accuracy;
    const ulmfitMs = ms();
    // The same language model's encoder, unfrozen at once: fastai's fit_one_cycle after unfreeze().
    await s.buildLearner('classifierFromLm');
    s.freeze(false);
    await s.fit(4, 1e-2);
    const unfrozen = epochs.at(-1)!.metrics.accuracy;
    console.log(
      `spam_tiny: ${info.train} train / ${info.valid} valid / ${info.unsup} unsup, vocab ${info.vocabSize}, unknown ${(100 * info.unkValid).toFixed(1)}% valid; ` +
        `most frequent ${mostFrequent.toFixed(3)}, bag-of-words ${bow.toFixed(3)}; scratch 4 epochs ${scratch.toFixed(3)} (${scratchMs}); ` +
        `LM 1 epoch perplexity: unigram ${unigram.toFixed(1)}, random start ${randomLm.toFixed(1)}, pretrained start ${lm.perplexity.toFixed(1)} (accuracy ${lm.accuracy.toFixed(3)}, ${lmMs}); ` +
        `ULMFiT 4 stages ${ulmfit.toFixed(3)} (${ulmfitMs}), unfrozen 4 epochs ${unfrozen.toFixed(3)} (${ms()}); ${lmInfo.body}; generated: ${gen.kind === 'generated' ? gen.generated : ''}`,
    );
    expect(gen.kind === 'generated' && gen.generated.split(' ').length).toBeGreaterThan(5);
    expect(scratch).toBeGreaterThan(mostFrequent);
    expect(lm.perplexity).toBeLessThan(0.6 * unigram);
    expect(lm.perplexity).toBeLessThan(0.7 * randomLm);
    expect(ulmfit).toBeGreaterThan(mostFrequent + 0.15);
    expect(unfrozen).toBeGreaterThan(mostFrequent + 0.15);
    s.clear();
  }, 900_000);

  it('with few labels (20 per class, the rest unlabelled), the classifier on the language model that read every text beats the most frequent class', async () => {
    const LABELS = 20;
    const epochs: EpochEvent[] = [];
    const s = new TextSession(
      new OneAtATime(),
      (e: WorkerEvent) => e.type === 'epoch' && epochs.push(e),
      async () => readPretrainedLm(),
    );
    const info = await s.setData(SPEC, fewerLabels(readFolder(SAMPLE), LABELS), 0, 'shipped');
    const { mostFrequent, bow } = await textBaselines('spam_tiny', LABELS);
    const lastAccuracy = () => epochs.at(-1)!.metrics.accuracy;
    // Each classifier trains 4 epochs: ULMFiT's four stages, or one-cycle for 4 epochs.
    await s.buildLearner('classifier');
    await s.fit(4, 1e-2);
    const scratch = lastAccuracy();
    // The language model reads every text, labelled or not: the step that brings in the unlabelled ones.
    await s.buildLearner('lm', 'shipped');
    await s.fit(1, 2e-2);
    const perplexity = epochs.at(-1)!.metrics.perplexity;
    await s.buildLearner('classifierFromLm');
    await s.ulmfit(ULMFIT_DEFAULTS.lr, 1, ULMFIT_RATES[ULMFIT_DEFAULTS.rates]);
    const ulmfit = lastAccuracy();
    await s.buildLearner('classifierFromLm');
    s.freeze(false);
    await s.fit(4, 1e-2);
    const unfrozen = lastAccuracy();
    console.log(
      `spam_tiny with ${LABELS} labels per class: ${info.train} train / ${info.unsup} unlabelled / ${info.valid} valid; most frequent ${mostFrequent.toFixed(3)}, bag-of-words ${bow.toFixed(3)}; ` +
        `scratch ${scratch.toFixed(3)}; language model 1 epoch (perplexity ${perplexity.toFixed(1)}), then ULMFiT ${ulmfit.toFixed(3)}, unfrozen ${unfrozen.toFixed(3)}`,
    );
    expect([info.train, info.unsup]).toEqual([2 * LABELS, 300 - 2 * LABELS]);
    // Not asserted against scratch: with the GloVe-started model, scratch (0.813) and the language
    // model first (0.762 gradual, 0.800 unfrozen) are within 1 to 4 of 80 e-mails here; the
    // language model first beats scratch on reviews_tiny (reviews.learn.test.ts), where meaning matters.
    expect(Math.min(ulmfit, unfrozen)).toBeGreaterThan(mostFrequent + 0.15);
    s.clear();
  }, 600_000);

  it('tags e-mails (multi-label, spam_tags_tiny) above every trivial baseline: F2 and accuracy_thresh at 0.2', async () => {
    const spec = { source: { kind: 'csv', csvPath: 'emails.csv', textColumn: 'text', labelColumn: 'tags', validColumn: 'is_valid', separator: ' ' }, ...TEXT_DEFAULTS } as const;
    const files = readFolder('public/samples/spam_tags_tiny');
    const data = await buildTextData(files, spec);
    const c = data.classes.length;
    const multiHot = (items: typeof data.train) =>
      tf.tensor2d(
        items.flatMap((t) => Array.from({ length: c }, (_, k) => (t.tags.includes(k) ? 1 : 0))),
        [items.length, c],
      );
    const [trainY, validY] = [multiHot(data.train), multiHot(data.valid)];
    const baselines = await trivialBaselines('multi', trainY, validY, { numClasses: c, voidIndex: -1, height: 0, width: 0 });
    tf.dispose([trainY, validY]);
    const epochs: EpochEvent[] = [];
    const s = new TextSession(new OneAtATime(), (e: WorkerEvent) => e.type === 'epoch' && epochs.push(e));
    await s.setData(spec, files);
    expect((await s.buildLearner('classifier')).task).toBe('multi');
    await s.fit(4, 1e-2);
    const before = tf.memory().numTensors;
    const r = await s.results();
    const tagged = await s.predict('Re: [ILUG] kernel compile question\n\nThanks for the reply, I will try that on my box tonight.');
    const last = epochs.at(-1)!.metrics;
    console.log(
      `spam_tags_tiny: ${data.train.length} train / ${data.valid.length} valid, tags ${data.classes.join(' ')}; baselines ${baselines.map((b) => `${b.name}: F2 ${b.metrics.fbeta.toFixed(3)}, accuracy_thresh ${b.metrics.accuracy_thresh.toFixed(3)}`).join('; ')}; ` +
        `scratch 4 epochs: F2 ${last.fbeta.toFixed(3)}, accuracy_thresh ${last.accuracy_thresh.toFixed(3)} (${epochs.map((e) => e.seconds.toFixed(1)).join('/')} s/epoch); best threshold ${r.kind === 'multi' ? r.best?.thresh : ''}; ` +
        `predicted ${tagged.kind === 'tags' ? tagged.predicted.join(' ') : ''}`,
    );
    expect(last.fbeta).toBeGreaterThan(bestBaseline(baselines, 'fbeta') + 0.03);
    expect(last.accuracy_thresh).toBeGreaterThan(bestBaseline(baselines, 'accuracy_thresh') + 0.05);
    // The results' metrics are the epoch table's, from the same predictions.
    expect(r.kind === 'multi' && r.fbeta).toBeCloseTo(last.fbeta, 4);
    expect(tagged.kind).toBe('tags');
    // A threshold picked in the results is Predict's from then on; a threshold that is no probability is refused.
    const picked = await s.results(0.5);
    const at05 = await s.predict('Re: [ILUG] kernel compile question\n\nThanks for the reply, I will try that on my box tonight.');
    expect(picked.kind === 'multi' && [picked.thresh, picked.perTag.length]).toEqual([0.5, c]);
    if (at05.kind !== 'tags') throw new Error(`expected tags, got ${at05.kind}`);
    expect([at05.thresh, at05.predicted]).toEqual([0.5, data.classes.filter((_, k) => at05.probs[k] > 0.5)]);
    await expect(s.results(1.5)).rejects.toThrow(/between 0 and 1/);
    expect(tf.memory().numTensors).toBe(before);
    s.clear();
  }, 600_000);
});
