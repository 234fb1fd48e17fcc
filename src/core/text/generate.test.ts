import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSpecTokens, generate } from './generate';
import { LanguageModel } from './models';
import { tokenize } from './tokenize';
import { countTokens, makeVocab } from './vocab';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('decodeSpecTokens', () => {
  it('undoes the rules for reading', () => {
    expect(decodeSpecTokens(tokenize('Hello WORLD!!! very very very good'))).toEqual(['Hello', 'WORLD', '!!!', 'very', 'very', 'very', 'good']);
    expect(decodeSpecTokens(['xxbos', 'xxmaj'])).toEqual(['xxmaj']);
  });
});

describe('generate', () => {
  it('continues a prompt with sampled known words, the same for the same seed, without leaking tensors', async () => {
    const texts = ['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog'].map((t) => tokenize(t));
    const vocab = makeVocab(countTokens([...texts, ...texts, ...texts]));
    const lm = new LanguageModel({ vocabSize: vocab.itos.length, embSize: 8, hidden: 8, layers: 2, seed: 1 });
    const before = tf.memory().numTensors;
    const a = await generate(lm, vocab, 'The cat', { words: 6, seed: 3 });
    const b = await generate(lm, vocab, 'The cat', { words: 6, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toEqual(b);
    expect(a.slice(0, 4)).toEqual(['xxbos', 'xxmaj', 'the', 'cat']);
    expect(a).toHaveLength(10);
    expect(a.slice(4).every((w) => vocab.stoi.has(w) && w !== 'xxunk' && w !== 'xxpad')).toBe(true);
    lm.dispose();
  });
});
