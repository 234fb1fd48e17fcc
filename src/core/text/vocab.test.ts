import { describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS } from './rules';
import { tokenizeAll } from './tokenize';
import { FAKE, countTokens, decodeIds, makeVocab, numericalize, unknownRate, vocabFromList } from './vocab';

const REVIEWS = [
  'This movie was great. The acting was great and the story was great.',
  'This movie was bad. The acting was bad, the story was bad.',
  'A great story, a great cast: the best movie of the year.',
  'The worst movie I have seen this year. Bad acting, bad story.',
];

describe('makeVocab', () => {
  const toks = tokenizeAll(REVIEWS);
  const vocab = makeVocab(countTokens(toks));

  it('puts fastai special tokens first: xxunk 0, xxpad 1', () => {
    expect(vocab.itos.slice(0, SPECIAL_TOKENS.length)).toEqual(SPECIAL_TOKENS);
    expect(vocab.unkIdx).toBe(0);
    expect(vocab.padIdx).toBe(1);
  });

  it('keeps a word a pretrained model knows from one occurrence, and still drops a rare word it does not know', () => {
    const withPretrained = makeVocab(countTokens(toks), { pretrainedWords: new Set(['cast', 'worst', 'nowhere']) });
    expect(withPretrained.itos).toContain('cast');
    expect(withPretrained.itos).toContain('worst');
    expect(withPretrained.itos).not.toContain('nowhere'); // known, but not in the texts
    expect(withPretrained.itos).not.toContain('seen'); // in the texts once, not known
    expect(withPretrained.itos.filter((w) => w !== FAKE).length).toBe(vocab.itos.filter((w) => w !== FAKE).length + 2);
  });

  it('keeps words seen at least minFreq (3) times, most frequent first, padded to a multiple of 8', () => {
    const words = vocab.itos.slice(SPECIAL_TOKENS.length).filter((w) => w !== FAKE);
    const counts = countTokens(toks);
    expect(words.every((w) => counts.get(w)! >= 3)).toBe(true);
    expect(words).toContain('great');
    expect(words).not.toContain('cast');
    for (let i = 1; i < words.length; i++) expect(counts.get(words[i - 1])!).toBeGreaterThanOrEqual(counts.get(words[i])!);
    expect(vocab.itos.length % 8).toBe(0);
  });

  it('caps the size at maxVocab, special tokens included', () => {
    const small = makeVocab(countTokens(toks), { minFreq: 1, maxVocab: 12 });
    expect(small.itos.filter((w) => w !== FAKE)).toHaveLength(12);
    // '.' and 'the' are seen 7 times each ('.' first, so it wins the tie), 'was' 6 times.
    expect(small.itos.slice(9, 12)).toEqual(['.', 'the', 'was']);
  });

  it('numericalizes unknown words to xxunk and decodes back', () => {
    const ids = numericalize(vocab, ['xxbos', 'great', 'zebra']);
    expect(Array.from(ids)).toEqual([2, vocab.stoi.get('great'), 0]);
    expect(decodeIds(vocab, ids)).toBe('xxbos great xxunk');
    expect(decodeIds(vocab, [1, 1, 2], true)).toBe('xxbos');
  });

  it('measures the unknown-word rate', () => {
    expect(unknownRate(vocab, [['great', 'zebra', 'okapi', 'movie']])).toBe(0.5);
    expect(unknownRate(vocab, [])).toBe(0);
    // On its own training texts, every word seen fewer than 3 times is unknown.
    const rare = toks.flat().filter((w) => (countTokens(toks).get(w) ?? 0) < 3).length;
    expect(unknownRate(vocab, toks)).toBeCloseTo(rare / toks.flat().length, 10);
  });

  it('is rebuilt identically from its word list', () => {
    const again = vocabFromList(vocab.itos);
    expect(Array.from(numericalize(again, toks[0]))).toEqual(Array.from(numericalize(vocab, toks[0])));
    expect(() => vocabFromList(['a', 'b'])).toThrow(/xxunk/);
  });
});
