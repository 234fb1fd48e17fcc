/**
 * The text classifier's export: `model.json` + `weights.bin` (a plain `tf.LayersModel`, see
 * `core/text/layersModel.ts`), `studio.json` with what turns text into the model's input (the
 * vocabulary, the tokenizer's rules and settings, the maximum length) and the classes, and a
 * README whose plain-tfjs snippet tokenizes and predicts.
 */
import * as tf from '@tensorflow/tfjs';
import type { TextClassifier } from '../text/models';
import { classifierLayersModel } from '../text/layersModel';
import { SPECIAL_TOKENS } from '../text/rules';
import type { Vocab } from '../text/vocab';
import type { EpochRecord } from '../train/recorder';
import { BUNDLE_FILES, modelJson, weightBytes, type BundleFiles } from './bundle';
import { MANIFEST_FORMAT, MANIFEST_VERSION } from './manifest';
import { TOKENIZER_JS } from './textTokenizerJs';

/** How text becomes the model's input: `studio.json`'s `text` field. */
export interface TextInputSpec {
  /** The vocabulary: token id -> token (`xxunk` 0, `xxpad` 1, then fastai's other special tokens). */
  readonly itos: readonly string[];
  readonly unkIdx: number;
  readonly padIdx: number;
  /** The model was trained on each text's first `maxLen` tokens. */
  readonly maxLen: number;
  readonly tokenizer: {
    readonly name: 'fastai WordTokenizer (spaCy-like English splitting)';
    /** fastai's `defaults.text_proc_rules`, in the order applied. */
    readonly rules: readonly string[];
    readonly addBos: boolean;
    readonly addEos: boolean;
    readonly specialTokens: readonly string[];
    /** How the vocabulary was made from the training texts. */
    readonly minFreq: number;
    readonly maxVocab: number;
  };
}

/** `studio.json` of a text classifier (the image manifest's format tag and version, `kind: 'text'`). */
export interface TextManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: typeof MANIFEST_VERSION;
  readonly kind: 'text';
  /** `multi`: one sigmoid per class (tag), and a text has every tag whose probability is above `thresh`. */
  readonly task: 'single' | 'multi';
  readonly classes: readonly string[];
  /** Multi-label: the threshold the metrics used. */
  readonly thresh?: number;
  readonly text: TextInputSpec;
  readonly arch: { readonly name: string; readonly embSize: number; readonly hidden: number; readonly layers: number; readonly route: string };
  readonly input: string;
  readonly output: string;
  readonly history: readonly EpochRecord[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly createdAt: string;
}

/** fastai's rule names, in the order `core/text/rules.ts` applies them. */
export const TEXT_RULE_NAMES = ['fix_html', 'replace_rep', 'replace_wrep', 'spec_add_spaces', 'rm_useless_spaces', 'replace_all_caps', 'replace_maj', 'lowercase'] as const;

/** What `textManifest` needs. */
export interface TextManifestInput {
  readonly clas: TextClassifier;
  /** Default `single`. */
  readonly task?: 'single' | 'multi';
  /** The multi-label threshold (ignored for single-label). */
  readonly thresh?: number;
  readonly classes: readonly string[];
  readonly vocab: Vocab;
  readonly maxLen: number;
  readonly minFreq: number;
  readonly maxVocab: number;
  /** How the classifier was trained, e.g. "ULMFiT: language model, then gradual unfreezing". */
  readonly route: string;
  readonly hidden: number;
  readonly history: readonly EpochRecord[];
  readonly createdAt?: Date;
}

/** `studio.json` for a trained text classifier. */
export function textManifest(m: TextManifestInput): TextManifest {
  const enc = m.clas.encoder;
  const multi = m.task === 'multi';
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    kind: 'text',
    task: multi ? 'multi' : 'single',
    classes: [...m.classes],
    ...(multi ? { thresh: m.thresh ?? 0.2 } : {}),
    text: {
      itos: [...m.vocab.itos],
      unkIdx: m.vocab.unkIdx,
      padIdx: m.vocab.padIdx,
      maxLen: m.maxLen,
      tokenizer: { name: 'fastai WordTokenizer (spaCy-like English splitting)', rules: [...TEXT_RULE_NAMES], addBos: true, addEos: false, specialTokens: [...SPECIAL_TOKENS], minFreq: m.minFreq, maxVocab: m.maxVocab },
    },
    arch: { name: 'awd-lstm-classifier', embSize: enc.embSize, hidden: m.hidden, layers: enc.lstms.length, route: m.route },
    input: `int32 [batch, time] token ids of one text (or of texts of one length), unpadded, at most ${m.maxLen} tokens`,
    output: multi ? `sigmoid probabilities in classes order, one per tag: a text has the tags above ${m.thresh ?? 0.2}` : 'softmax probabilities in classes order',
    history: m.history,
    metrics: m.history.at(-1)?.metrics ?? {},
    createdAt: (m.createdAt ?? new Date()).toISOString(),
  };
}

/** The README's plain-tfjs snippet: load, tokenize (the studio's tokenizer in plain JS), numericalise, predict. */
export function textSnippet(url = './my-classifier/'): string {
  return [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    `const url = '${url}';   // the folder holding model.json, weights.bin and studio.json`,
    "const studio = await (await fetch(url + 'studio.json')).json();",
    "const model = await tf.loadLayersModel(url + 'model.json');",
    'const stoi = new Map();',
    'studio.text.itos.forEach((w, i) => { if (!stoi.has(w)) stoi.set(w, i); });',
    '',
    TOKENIZER_JS,
    '',
    '/** Probabilities by class for one text: tokens, ids (unknown words -> xxunk), the first maxLen, no padding. */',
    'function classify(text) {',
    '  const ids = tokenize(text).map((w) => stoi.get(w) ?? studio.text.unkIdx).slice(0, studio.text.maxLen);',
    "  const probs = tf.tidy(() => model.predict(tf.tensor2d([ids], [1, ids.length], 'int32')).dataSync());",
    '  return Object.fromEntries(studio.classes.map((c, i) => [c, probs[i]]));',
    '}',
    '',
    '/** Multi-label models (studio.task === "multi"): the tags whose probability is above studio.thresh. */',
    'const tagsOf = (probs) => Object.keys(probs).filter((c) => probs[c] > studio.thresh);',
    '',
    "const probs = classify('Click here to claim your FREE prize!!!');",
    "console.log(studio.task === 'multi' ? tagsOf(probs) : probs);",
  ].join('\n');
}

/** The bundle's README. */
export function textReadme(m: TextManifest): string {
  const last = m.history.at(-1);
  const metrics = last
    ? Object.entries(last.metrics)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(', ')
    : 'not trained';
  return [
    `# Text classifier: ${m.classes.join(' / ')}`,
    '',
    `An AWD-LSTM classifier (${m.arch.route}; embedding ${m.arch.embSize}, ${m.arch.layers} LSTM layers of ${m.arch.hidden}, concat-pool head), exported by the studio on ${m.createdAt}. Last validation: ${metrics}.`,
    '',
    '- `model.json` + `weights.bin`: a TensorFlow.js layers model. Input: ' + m.input + '. Output: ' + m.output + '.',
    `- \`studio.json\`: the classes, the vocabulary (\`text.itos\`, ${m.text.itos.length} tokens), the tokenizer's rules and settings (\`text.tokenizer\`) and the maximum length (\`text.maxLen\`, ${m.text.maxLen}).`,
    '',
    '## Plain tfjs',
    '',
    "The tokenizer below is the studio's, in plain JavaScript: fastai's rules (`xxbos`, `xxmaj`, `xxup`, `xxrep`, `xxwrep`, lower case), then spaCy-like word splitting.",
    '',
    '```js',
    textSnippet(),
    '```',
    '',
  ].join('\n');
}

/**
 * Every file of a text classifier's export.
 * @example const files = await textBundle(clas, textManifest({ clas, classes, vocab, ... }));
 */
export async function textBundle(clas: TextClassifier, manifest: TextManifest): Promise<BundleFiles> {
  const model = classifierLayersModel(clas, manifest.task === 'multi' ? 'sigmoid' : 'softmax');
  try {
    let a: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        a = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!a) throw new Error('the text classifier could not be saved');
    const encoder = new TextEncoder();
    return {
      [BUNDLE_FILES.model]: encoder.encode(`${JSON.stringify(modelJson(a), null, 2)}\n`),
      [BUNDLE_FILES.weights]: weightBytes(a),
      [BUNDLE_FILES.manifest]: encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`),
      [BUNDLE_FILES.readme]: encoder.encode(textReadme(manifest)),
    };
  } finally {
    model.dispose();
  }
}
