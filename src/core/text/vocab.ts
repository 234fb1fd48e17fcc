/**
 * Numericalisation, as fastai's `Numericalize` and `make_vocab` (text/data.py): the special
 * tokens first (so `xxunk` is 0 and `xxpad` is 1 in every vocabulary), then the words seen at
 * least `minFreq` times, most frequent first, up to `maxVocab` entries; the list is padded with
 * `xxfake` to a multiple of 8 (fastai does this so the embedding's size suits GPU kernels).
 */
import { PAD, SPECIAL_TOKENS, UNK } from './rules';

/** Options of `makeVocab`; defaults are fastai's `Numericalize`. */
export interface VocabOptions {
  /** A word needs this many occurrences to get its own index (fastai: 3). */
  readonly minFreq?: number;
  /** At most this many entries, special tokens included (fastai: 60000). */
  readonly maxVocab?: number;
  readonly specialTokens?: readonly string[];
  /**
   * Words a pretrained model already has embeddings for: one occurrence is enough for them. The
   * minimum frequency exists because a row seen once or twice cannot be learnt; a pretrained row
   * needs no learning, and dropping it to `xxunk` would throw its meaning away.
   */
  readonly pretrainedWords?: ReadonlySet<string>;
}

/** A vocabulary: index to word (`itos`) and back. */
export interface Vocab {
  readonly itos: readonly string[];
  readonly stoi: ReadonlyMap<string, number>;
  readonly unkIdx: number;
  readonly padIdx: number;
}

/** Fills the vocabulary up to a multiple of 8 (never a word of the data). */
export const FAKE = 'xxfake';

/**
 * Counts tokens over tokenized texts.
 * @example countTokens([['a', 'b'], ['a']]).get('a') // 2
 */
export function countTokens(texts: readonly (readonly string[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of t) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/**
 * Builds a vocabulary from token counts. Ties in frequency are broken by first appearance in the
 * counts (a `Map` keeps insertion order), as Python's `Counter.most_common` does, so the same
 * texts always give the same indices.
 * @example makeVocab(countTokens(texts), { minFreq: 2 }).itos.slice(0, 2) // ['xxunk', 'xxpad']
 */
export function makeVocab(counts: ReadonlyMap<string, number>, opts: VocabOptions = {}): Vocab {
  const { minFreq = 3, maxVocab = 60000, specialTokens = SPECIAL_TOKENS, pretrainedWords } = opts;
  const special = new Set(specialTokens);
  const words = [...counts.entries()]
    .map(([w, c], i) => ({ w, c, i }))
    .filter(({ w, c }) => (c >= minFreq || pretrainedWords?.has(w) === true) && !special.has(w))
    .sort((a, b) => b.c - a.c || a.i - b.i)
    .map(({ w }) => w);
  const itos = [...specialTokens, ...words].slice(0, maxVocab);
  while (itos.length % 8 !== 0) itos.push(FAKE);
  return vocabFromList(itos);
}

/** A vocabulary from a saved word list (the export's `itos`). */
export function vocabFromList(itos: readonly string[]): Vocab {
  const stoi = new Map<string, number>();
  // The first index of a word wins, so the `xxfake` fillers all read back as the first one.
  itos.forEach((w, i) => {
    if (!stoi.has(w)) stoi.set(w, i);
  });
  const unkIdx = stoi.get(UNK);
  const padIdx = stoi.get(PAD);
  if (unkIdx === undefined || padIdx === undefined) throw new Error(`a vocabulary needs ${UNK} and ${PAD}`);
  return { itos: [...itos], stoi, unkIdx, padIdx };
}

/**
 * Tokens to indices; unknown words become `xxunk`'s index.
 * @example numericalize(vocab, ['xxbos', 'zzz']) // Int32Array [2, 0]
 */
export function numericalize(vocab: Vocab, tokens: readonly string[]): Int32Array {
  return Int32Array.from(tokens, (w) => vocab.stoi.get(w) ?? vocab.unkIdx);
}

/**
 * Indices back to tokens, joined by spaces (fastai's `decode`).
 * @example decodeIds(vocab, [2, 9]) // 'xxbos the'
 */
export function decodeIds(vocab: Vocab, ids: ArrayLike<number>, skipPad = false): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) if (!skipPad || ids[i] !== vocab.padIdx) out.push(vocab.itos[ids[i]] ?? vocab.itos[vocab.unkIdx]);
  return out.join(' ');
}

/**
 * The share of tokens that map to `xxunk` (the summary's unknown-word rate): tokens not in the
 * vocabulary, plus literal `xxunk`s the text already held.
 * @example unknownRate(vocab, [['a', 'zzz']]) // 0.5 when 'a' is known
 */
export function unknownRate(vocab: Vocab, texts: readonly (readonly string[])[]): number {
  let unknown = 0;
  let total = 0;
  for (const t of texts) {
    for (const w of t) {
      total += 1;
      if ((vocab.stoi.get(w) ?? vocab.unkIdx) === vocab.unkIdx) unknown += 1;
    }
  }
  return total === 0 ? 0 : unknown / total;
}
