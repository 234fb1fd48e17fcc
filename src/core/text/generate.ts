/**
 * Text from the language model, as fastai's `LMLearner.predict(text, n_words, temperature)`:
 * the prompt is tokenized and run through the model, then words are sampled one at a time
 * (never `xxunk` or `xxpad`, fastai's `no_unk=True`) and fed back, the LSTM state carrying
 * the context. `decodeSpecTokens` undoes the rules for reading (fastai's `decode_spec_tokens`).
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../data/random';
import type { LanguageModel } from './models';
import { BOS, EOS, PAD, TK_MAJ, TK_REP, TK_UP, TK_WREP } from './rules';
import { tokenize } from './tokenize';
import { numericalize, type Vocab } from './vocab';

/** Options of `generate`. */
export interface GenerateOptions {
  readonly words?: number;
  /** Softmax temperature: below 1 sharper and more repetitive, above 1 more random (fastai: 1). */
  readonly temperature?: number;
  readonly seed?: number;
}

/** Draws an index from unnormalised non-negative weights. */
function sample(weights: Float32Array, rand: () => number): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = rand() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r <= 0) return i;
  }
  return weights.length - 1;
}

/** The next-word weights after `ids` (int32 `[1, T]`), continuing the model's state. */
async function nextWeights(lm: LanguageModel, ids: number[], temperature: number, banned: readonly number[]): Promise<Float32Array> {
  const w = tf.tidy(() => {
    const { logits } = lm.forward(tf.tensor2d(ids, [1, ids.length], 'int32'), false);
    const last = logits.slice([0, ids.length - 1, 0], [1, 1, -1]).reshape([-1]);
    return tf.softmax(last.div(temperature));
  });
  const weights = Float32Array.from(await w.data());
  w.dispose();
  for (const b of banned) weights[b] = 0;
  return weights;
}

/**
 * The prompt's tokens followed by `words` sampled tokens.
 * @example decodeSpecTokens(await generate(lm, vocab, 'I liked this movie because', { words: 20 })).join(' ')
 */
export async function generate(lm: LanguageModel, vocab: Vocab, prompt: string, opts: GenerateOptions = {}): Promise<string[]> {
  const { words = 20, temperature = 1, seed = 0 } = opts;
  const rand = makeRng(seed);
  const tokens = tokenize(prompt);
  const banned = [vocab.unkIdx, vocab.padIdx];
  lm.reset();
  try {
    let weights = await nextWeights(lm, Array.from(numericalize(vocab, tokens)), temperature, banned);
    for (let i = 0; i < words; i++) {
      const id = sample(weights, rand);
      tokens.push(vocab.itos[id]);
      weights = await nextWeights(lm, [id], temperature, banned);
    }
  } finally {
    lm.reset();
  }
  return tokens;
}

/**
 * Undoes `xxmaj`, `xxup`, `xxrep` and `xxwrep` and drops `xxbos`, `xxeos`, `xxpad`
 * (fastai's `decode_spec_tokens`).
 * @example decodeSpecTokens(['xxbos', 'xxmaj', 'hi', 'xxup', 'you', 'xxrep', '3', '!']) // ['Hi', 'YOU', '!!!']
 */
export function decodeSpecTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === BOS || t === EOS || t === PAD) continue;
    const next = tokens[i + 1];
    if (t === TK_MAJ && next !== undefined) {
      out.push(next.charAt(0).toUpperCase() + next.slice(1));
      i += 1;
    } else if (t === TK_UP && next !== undefined) {
      out.push(next.toUpperCase());
      i += 1;
    } else if ((t === TK_REP || t === TK_WREP) && /^\d+$/.test(next ?? '') && tokens[i + 2] !== undefined) {
      const n = Number(next);
      out.push(...(t === TK_REP ? [tokens[i + 2].repeat(n)] : Array<string>(n).fill(tokens[i + 2])));
      i += 2;
    } else out.push(t);
  }
  return out;
}
