/**
 * The files of the pretrained language model the studio ships (`public/models/text-lm/`, built
 * by `npm run text-lm`: see scripts/textLm/): `model.json`'s fields, the sizes, and the checks
 * that read them. No tfjs here, so the page may name the model's path and sizes.
 */

/** The encoder sizes of the shipped model, also the sizes the studio builds text models at. */
export const PRETRAINED_LM_SIZES = { embSize: 64, hidden: 128, layers: 2 } as const;

/** `model.json` of the shipped model. */
export interface PretrainedLmInfo {
  readonly format: 1;
  readonly sizes: typeof PRETRAINED_LM_SIZES;
  readonly itos: readonly string[];
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
 * @throws Error naming `where` and the field that is wrong
 */
export function parsePretrainedLm(json: unknown, weights: ArrayBuffer, where: string): PretrainedLm {
  const info = json as Partial<PretrainedLmInfo> | null;
  if (!info || info.format !== 1) throw new Error(`${where}/model.json is not a studio language model (format 1)`);
  if (!Array.isArray(info.itos) || !Array.isArray(info.shapes) || !info.sizes) throw new Error(`${where}/model.json lacks itos, shapes or sizes`);
  if (weights.byteLength % 4 !== 0) throw new Error(`${where}/weights.bin is ${weights.byteLength} bytes, not whole float32 values`);
  const lm = { info: info as PretrainedLmInfo, weights: new Float32Array(weights) };
  try {
    splitWeights(lm);
  } catch (e) {
    throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return lm;
}
