/**
 * Starting a language model from a pretrained one (fastai's `match_embeds`), on a small model
 * made here, and the shipped model read as PyTorch wrote it: the studio scores PyTorch's
 * reference window to the same loss.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPretrainedLm } from '../../io/node/textLm';
import { sparseCrossEntropy } from './loss';
import { LanguageModel } from './models';
import { loadPretrainedLm } from './pretrainedLm';
import { decodeMoreRows, parsePretrainedLm, splitWeights, type PretrainedLm, type PretrainedLmInfo } from './pretrainedLmFile';
import { vocabFromList } from './vocab';

const SIZES = { embSize: 4, hidden: 6, layers: 2 } as const;
const SPECIAL = ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj'];

/** A pretrained model whose every weight is its own index, so each copied value shows where it came from. */
function fakePretrained(itos: string[]): PretrainedLm {
  const lm = new LanguageModel({ vocabSize: itos.length, ...SIZES });
  const shapes = lm.variables().map((v) => v.shape);
  lm.dispose();
  const total = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  const info = { format: 1, sizes: SIZES, itos, shapes, reference: { ids: [], targets: [], loss: 0 } } as unknown as PretrainedLmInfo;
  return { info, weights: Float32Array.from({ length: total }, (_, i) => i) };
}

describe('loadPretrainedLm', () => {
  it('keeps a known word`s embedding row and decoder bias, gives a new word the mean, and copies the LSTMs', async () => {
    const pre = fakePretrained([...SPECIAL, 'the', 'ship', 'whale']);
    const vocab = vocabFromList([...SPECIAL, 'whale', 'spam', 'the']);
    const lm = new LanguageModel({ vocabSize: vocab.itos.length, ...SIZES });
    const { known } = loadPretrainedLm(lm, pre, vocab);
    expect(known).toBe(SPECIAL.length + 2);
    const [emb, ...rest] = lm.variables();
    const arrays = splitWeights(pre);
    const e = (await emb.array()) as number[][];
    const row = (a: Float32Array, i: number) => Array.from(a.subarray(i * 4, i * 4 + 4));
    expect(e[SPECIAL.length]).toEqual(row(arrays[0], SPECIAL.length + 2)); // whale
    expect(e[SPECIAL.length + 2]).toEqual(row(arrays[0], SPECIAL.length)); // the
    const meanRow = [0, 1, 2, 3].map((c) => Array.from({ length: 12 }, (_, r) => arrays[0][r * 4 + c]).reduce((a, b) => a + b) / 12);
    e[SPECIAL.length + 1].forEach((v, c) => expect(v).toBeCloseTo(meanRow[c], 3)); // spam, new
    const bias = Array.from(await rest.at(-1)!.data());
    expect(bias[SPECIAL.length]).toBe(arrays.at(-1)![SPECIAL.length + 2]);
    for (let i = 0; i < rest.length - 1; i++) expect(Array.from(await rest[i].data())).toEqual(Array.from(arrays[i + 1]));
    lm.dispose();
  });

  it('starts a word the corpus lacked from its extra GloVe row (with the mean bias), and a word neither knows from the mean', async () => {
    const base = fakePretrained([...SPECIAL, 'the', 'ship', 'whale']);
    const moreRows = Float32Array.from([-1, -2, -3, -4, 5, 6, 7, 8]);
    const pre: PretrainedLm = { info: { ...base.info, moreWords: ['spam', 'ham'] }, weights: base.weights, moreRows };
    const vocab = vocabFromList([...SPECIAL, 'ham', 'the', 'eggs']);
    const lm = new LanguageModel({ vocabSize: vocab.itos.length, ...SIZES });
    expect(loadPretrainedLm(lm, pre, vocab)).toEqual({ known: SPECIAL.length + 1, fromGlove: 1 });
    const [emb, ...rest] = lm.variables();
    const e = (await emb.array()) as number[][];
    expect(e[SPECIAL.length]).toEqual([5, 6, 7, 8]); // ham, from the extra rows
    const arrays = splitWeights(base);
    const meanRow = [0, 1, 2, 3].map((c) => Array.from({ length: 12 }, (_, r) => arrays[0][r * 4 + c]).reduce((a, b) => a + b) / 12);
    e[SPECIAL.length + 2].forEach((v, c) => expect(v).toBeCloseTo(meanRow[c], 3)); // eggs, unknown to both
    const bias = Array.from(await rest.at(-1)!.data());
    const meanBias = Array.from(arrays.at(-1)!).reduce((a, b) => a + b) / 12;
    expect(bias[SPECIAL.length]).toBeCloseTo(meanBias, 3);
    lm.dispose();
  });

  it('decodes the 8-bit extra rows with their scales, and names a file of the wrong length', () => {
    const scales = Float32Array.from([0.5, 2]);
    const values = Int8Array.from([2, -4, 127, -128, 1, 0]);
    const bytes = new Uint8Array(8 + 6);
    bytes.set(new Uint8Array(scales.buffer), 0);
    bytes.set(new Uint8Array(values.buffer), 8);
    expect(Array.from(decodeMoreRows(bytes.buffer, 2, 3, 'm'))).toEqual([1, -2, 63.5, -256, 2, 0]);
    expect(() => decodeMoreRows(bytes.buffer, 2, 4, 'models/text-lm')).toThrow(/models\/text-lm\/more-words.bin is 14 bytes where 2 words of 4 need 16/);
    const pre = fakePretrained([...SPECIAL, 'a']);
    expect(() => parsePretrainedLm({ ...pre.info, moreWords: ['x'] }, pre.weights.buffer as ArrayBuffer, 'dir')).toThrow(/dir\/model.json lists moreWords but more-words.bin was not read/);
  });

  it('refuses a model of other sizes and files that do not match their description, naming them', () => {
    const pre = fakePretrained([...SPECIAL, 'a', 'b', 'c']);
    const vocab = vocabFromList([...SPECIAL, 'a', 'b', 'c']);
    const wider = new LanguageModel({ vocabSize: 12, embSize: 4, hidden: 8, layers: 2 });
    expect(() => loadPretrainedLm(wider, pre, vocab)).toThrow(/LSTM units 8,4\) is not at the pretrained sizes \(embedding 4, LSTM units 6,4/);
    const other = new LanguageModel({ vocabSize: 16, ...SIZES });
    expect(() => loadPretrainedLm(other, pre, vocab)).toThrow(/16 words and the vocabulary 12/);
    tf.dispose([...wider.variables(), ...other.variables()]);
    expect(() => parsePretrainedLm(pre.info, new ArrayBuffer(12), 'models/text-lm')).toThrow(/models\/text-lm: .*weights.bin holds 3 floats/);
    expect(() => parsePretrainedLm({ format: 2 }, new ArrayBuffer(0), 'x')).toThrow(/x\/model.json is not a studio language model/);
  });
});

const SHIPPED = 'public/models/text-lm/model.json';

describe('the shipped language model', () => {
  it('scores PyTorch`s reference window to the loss PyTorch gave (weights read in the right layout)', async () => {
    expect(existsSync(SHIPPED), `${SHIPPED} is committed; npm run text-lm rebuilds it`).toBe(true);
    const pre = readPretrainedLm();
    const { itos, sizes, reference } = pre.info;
    const lm = new LanguageModel({ vocabSize: itos.length, ...sizes });
    loadPretrainedLm(lm, pre, vocabFromList(itos));
    const loss = tf.tidy(() => {
      const { logits } = lm.forward(tf.tensor2d(reference.ids.flat(), [reference.ids.length, reference.ids[0].length], 'int32'), false);
      return sparseCrossEntropy().mean(logits, tf.tensor1d(reference.targets.flat(), 'int32')).dataSync()[0];
    });
    expect(Math.abs(loss - reference.loss)).toBeLessThan(1e-4);
    // And it learned English: far below a uniform guess over the vocabulary.
    expect(reference.loss).toBeLessThan(0.6 * Math.log(itos.length));
    lm.dispose();
  });

  it('carries GloVe meanings in one space: its own rows and its 8-bit extra rows put near words together', () => {
    const pre = readPretrainedLm();
    const { itos, moreWords, sizes } = pre.info;
    const table = splitWeights(pre)[0];
    const row = (w: string): Float32Array => {
      const i = itos.indexOf(w);
      if (i >= 0) return table.subarray(i * sizes.embSize, (i + 1) * sizes.embSize);
      const j = moreWords!.indexOf(w);
      expect(j, `${w} has a row`).toBeGreaterThanOrEqual(0);
      return pre.moreRows!.subarray(j * sizes.embSize, (j + 1) * sizes.embSize);
    };
    const cos = (a: string, b: string) => {
      const [x, y] = [row(a), row(b)];
      let dot = 0;
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < x.length; i++) [dot, nx, ny] = [dot + x[i] * y[i], nx + x[i] * x[i], ny + y[i] * y[i]];
      return dot / Math.sqrt(nx * ny);
    };
    expect(moreWords!.length).toBeGreaterThan(10_000);
    // excellent, terrible, dreadful, whale, harpoon: pretraining rows; superb, fantastic, phone,
    // telephone: extra rows (measured 0.74 against 0.29; 0.63 against 0.02; 0.91 against 0.02).
    expect(cos('excellent', 'superb')).toBeGreaterThan(cos('excellent', 'dreadful') + 0.2);
    expect(cos('superb', 'fantastic')).toBeGreaterThan(cos('superb', 'harpoon') + 0.4);
    expect(cos('phone', 'telephone')).toBeGreaterThan(cos('phone', 'whale') + 0.5);
    expect(cos('terrible', 'dreadful')).toBeGreaterThan(cos('terrible', 'fantastic'));
  });
});
