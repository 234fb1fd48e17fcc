/**
 * The pretrained language model the studio ships (`public/models/text-lm/`, built by
 * `npm run text-lm` from general English: see scripts/textLm/), and fastai's way of starting a
 * language model on new texts from it (`match_embeds`): the LSTMs are copied as they are; a word
 * of the new vocabulary that the pretrained one knows gets its pretrained embedding row and
 * decoder bias, and a new word gets the mean of them. The shipped model's embedding is GloVe's
 * (frozen through pretraining), and it carries GloVe rows for words its corpus lacked: a new word
 * among them starts from its GloVe row (with the mean bias) instead of the mean.
 */
import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from './models';
import { splitWeights, type PretrainedLm } from './pretrainedLmFile';
import type { Vocab } from './vocab';

/** Each word's first index in `itos`. */
function indexOf(itos: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  itos.forEach((w, i) => {
    if (!index.has(w)) index.set(w, i);
  });
  return index;
}

/** Extra rows to fall back on: `rows` is `[words.length, width]`. */
interface MoreRows {
  readonly words: readonly string[];
  readonly rows: Float32Array;
}

/**
 * Rows of `table` (`[oldVocab, width]`, or a vector when `width` is 1) reordered for `vocab`: a
 * word the old vocabulary knows keeps its row, a word of `more` gets its row there, any other
 * word gets the mean row of `table`.
 */
function matchRows(table: Float32Array, width: number, oldItos: readonly string[], vocab: Vocab, more?: MoreRows): { values: Float32Array; known: number; fromMore: number } {
  const oldIndex = indexOf(oldItos);
  const moreIndex = more ? indexOf(more.words) : new Map<string, number>();
  const mean = new Float32Array(width);
  for (let r = 0; r < oldItos.length; r++) for (let c = 0; c < width; c++) mean[c] += table[r * width + c] / oldItos.length;
  const values = new Float32Array(vocab.itos.length * width);
  let known = 0;
  let fromMore = 0;
  vocab.itos.forEach((w, i) => {
    const old = oldIndex.get(w);
    const extra = old === undefined ? moreIndex.get(w) : undefined;
    if (old !== undefined) known++;
    else if (extra !== undefined) fromMore++;
    const row = old !== undefined ? table.subarray(old * width, (old + 1) * width) : extra !== undefined ? more!.rows.subarray(extra * width, (extra + 1) * width) : mean;
    values.set(row, i * width);
  });
  return { values, known, fromMore };
}

/**
 * Starts `lm` (built for `vocab` at `PRETRAINED_LM_SIZES`) from the pretrained model, as fastai's
 * `language_model_learner(..., pretrained=True)` does. Returns how many of `vocab`'s words the
 * pretrained model knew, and how many more started from its extra GloVe rows.
 * @throws Error when `lm`'s sizes are not the pretrained model's
 */
export function loadPretrainedLm(lm: LanguageModel, pretrained: PretrainedLm, vocab: Vocab): { known: number; fromGlove: number } {
  const { embSize, hidden, layers } = pretrained.info.sizes;
  const { encoder } = lm;
  const units = encoder.lstms.map((w) => w.units).join(',');
  const want = Array.from({ length: layers }, (_, l) => (l === layers - 1 ? embSize : hidden)).join(',');
  if (encoder.embSize !== embSize || units !== want) {
    throw new Error(`the language model (embedding ${encoder.embSize}, LSTM units ${units}) is not at the pretrained sizes (embedding ${embSize}, LSTM units ${want})`);
  }
  if (encoder.vocabSize !== vocab.itos.length) throw new Error(`the language model has ${encoder.vocabSize} words and the vocabulary ${vocab.itos.length}`);
  const arrays = splitWeights(pretrained);
  const vars = lm.variables();
  if (vars.length !== arrays.length) throw new Error(`the language model has ${vars.length} weight tensors and the pretrained one ${arrays.length}: build it at the pretrained sizes`);
  const { itos } = pretrained.info;
  const { moreWords } = pretrained.info;
  const more = moreWords && pretrained.moreRows ? { words: moreWords, rows: pretrained.moreRows } : undefined;
  const emb = matchRows(arrays[0], pretrained.info.sizes.embSize, itos, vocab, more);
  const bias = matchRows(arrays.at(-1)!, 1, itos, vocab);
  vars.forEach((v, i) => {
    const values = i === 0 ? emb.values : i === vars.length - 1 ? bias.values : arrays[i];
    const shape = i === 0 || i === vars.length - 1 ? v.shape : pretrained.info.shapes[i];
    if (shape.join('x') !== v.shape.join('x')) throw new Error(`pretrained weight ${i} is ${shape.join('x')}, the model's ${v.shape.join('x')}: build it at the pretrained sizes`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  });
  return { known: emb.known, fromGlove: emb.fromMore };
}
