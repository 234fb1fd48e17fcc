/**
 * The files of the pretrained language model the studio ships (`public/models/text-lm/`, built
 * by `npm run text-lm`: see scripts/textLm/): `model.json`'s fields, the sizes, and the checks
 * that read them. No tfjs here, so the page may name the model's path and sizes.
 */

/** The encoder sizes of the shipped model, also the sizes the studio builds text models at. */
export const PRETRAINED_LM_SIZES = { embSize: 100, hidden: 128, layers: 2 } as const;

/**
 * The extra embedding rows beside `weights.bin`: GloVe vectors of words the pretraining corpus
 * lacked, 8-bit (a float32 scale per word, then `embSize` int8 values per word).
 */
export const MORE_WORDS_FILE = 'more-words.bin';

/** `model.json` of the shipped model. */
export interface PretrainedLmInfo {
  readonly format: 1;
  readonly sizes: typeof PRETRAINED_LM_SIZES;
  readonly itos: readonly string[];
  /** Words of `MORE_WORDS_FILE`'s rows, in order (none in models built before it). */
  readonly moreWords?: readonly string[];
  /** What it was trained on, with packages and licences. */
  readonly corpus: string;
  readonly trainTokens: number;
  readonly validTokens: number;
  readonly validUnknownRate: number;
  readonly training: Readonly<Record<string, unknown>>;
  readonly validPerplexity: number;
  readonly epochs: readonly Readonly<Record<string, number>>[];
  /** Shapes of the arrays in `weights.bin`, in `LanguageModel.variables()` order. */
  readonly shapes: readonly (readonly number[])[];
  /** A window the studio must score as PyTorch did: proof that the weights were read right. */
  readonly reference: { readonly ids: readonly (readonly number[])[]; readonly targets: readonly (readonly number[])[]; readonly loss: number };
}

/** The shipped model: its description and its weights. */
export interface PretrainedLm {
  readonly info: PretrainedLmInfo;
  readonly weights: Float32Array;
  /** `info.moreWords`' embedding rows, `[moreWords.length, embSize]`, decoded from 8 bits. */
  readonly moreRows?: Float32Array;
}

/**
 * Decodes `MORE_WORDS_FILE`: per word a float32 scale, then all the int8 rows.
 * @throws Error naming `where` when its length is not `words` rows of `width`
 */
export function decodeMoreRows(bytes: ArrayBuffer, words: number, width: number, where: string): Float32Array {
  if (bytes.byteLength !== words * (4 + width)) throw new Error(`${where}/${MORE_WORDS_FILE} is ${bytes.byteLength} bytes where ${words} words of ${width} need ${words * (4 + width)}`);
  const scales = new Float32Array(bytes, 0, words);
  const values = new Int8Array(bytes, words * 4, words * width);
  const rows = new Float32Array(words * width);
  for (let i = 0; i < rows.length; i++) rows[i] = values[i] * scales[Math.floor(i / width)];
  return rows;
}

/** Every word the model has an embedding row for: its vocabulary and its extra GloVe words. */
export function pretrainedWordSet(info: PretrainedLmInfo): ReadonlySet<string> {
  return new Set([...info.itos, ...(info.moreWords ?? [])]);
}

/** Cuts `weights.bin` into one array per variable, checking its length against the shapes. */
export function splitWeights(lm: PretrainedLm): Float32Array[] {
  const out: Float32Array[] = [];
  let at = 0;
  for (const shape of lm.info.shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    out.push(lm.weights.subarray(at, at + n));
    at += n;
  }
  if (at !== lm.weights.length) throw new Error(`text-lm weights.bin holds ${lm.weights.length} floats where model.json's shapes need ${at}`);
  return out;
}

/**
 * Checks `model.json`'s fields and the weights' length; `where` names the files in the error.
 * `moreBytes` is `MORE_WORDS_FILE`'s content, needed when `model.json` lists `moreWords`.
 * @throws Error naming `where` and the field that is wrong
 */
export function parsePretrainedLm(json: unknown, weights: ArrayBuffer, where: string, moreBytes?: ArrayBuffer): PretrainedLm {
  const info = json as Partial<PretrainedLmInfo> | null;
  if (!info || info.format !== 1) throw new Error(`${where}/model.json is not a studio language model (format 1)`);
  if (!Array.isArray(info.itos) || !Array.isArray(info.shapes) || !info.sizes) throw new Error(`${where}/model.json lacks itos, shapes or sizes`);
  if (weights.byteLength % 4 !== 0) throw new Error(`${where}/weights.bin is ${weights.byteLength} bytes, not whole float32 values`);
  const more = info.moreWords;
  if (more !== undefined && (!Array.isArray(more) || moreBytes === undefined)) throw new Error(`${where}/model.json lists moreWords but ${MORE_WORDS_FILE} was not read`);
  const lm = {
    info: info as PretrainedLmInfo,
    weights: new Float32Array(weights),
    moreRows: more && moreBytes ? decodeMoreRows(moreBytes, more.length, info.sizes.embSize, where) : undefined,
  };
  try {
    splitWeights(lm);
  } catch (e) {
    throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return lm;
}
