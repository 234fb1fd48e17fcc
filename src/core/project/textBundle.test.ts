/**
 * The text classifier's export on real e-mails (spam_tiny, wasm): the exported `tf.LayersModel`
 * gives the studio's probabilities, and so does `tf.loadLayersModel` on the written files and the
 * README's plain-tfjs snippet (its tokenizer included), with `studio.json` carrying what they need.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from '../../io/node/nodeFiles';
import { loadWasmBackend } from '../tf/testing/wasm';
import { CLAS_DROPS, scaleDrops } from '../text/awdLstm';
import { classifierLayersModel } from '../text/layersModel';
import { classifierLoader } from '../text/loaders';
import { TextClassifier } from '../text/models';
import { TEXT_DEFAULTS, buildTextData, type TextData } from '../text/textData';
import { TextLearner } from '../text/textLearner';
import { tokenize } from '../text/tokenize';
import { numericalize } from '../text/vocab';
import { bceWithLogitsFlat } from '../train/losses';
import { textBundle, textManifest, type TextManifest } from './textBundle';

const MAX_LEN = 80;
const SIZES = { embSize: 32, hidden: 48, layers: 2 } as const;
let data: TextData;
let clas: TextClassifier;
let learn: TextLearner;

beforeAll(async () => {
  await loadWasmBackend();
  data = await buildTextData(readFolder('public/samples/spam_tiny'), { source: { kind: 'folder' }, ...TEXT_DEFAULTS });
  clas = new TextClassifier({ vocabSize: data.vocab.itos.length, ...SIZES, numClasses: data.classes.length, padIdx: data.vocab.padIdx, seed: 1, drops: scaleDrops(CLAS_DROPS, 0.5) });
  const opts = { padIdx: data.vocab.padIdx, maxLen: MAX_LEN };
  const ids = (items: TextData['train']) => items.map((t) => t.ids);
  learn = new TextLearner(clas, {
    train: classifierLoader(
      ids(data.train),
      data.train.map((t) => t.label),
      { ...opts, bs: 32, shuffle: true, seed: 1 },
    ),
    valid: classifierLoader(
      ids(data.valid),
      data.valid.map((t) => t.label),
      { ...opts, bs: 64 },
    ),
  });
  // Trained, so that the weights and the batch-norm statistics are not their initial values.
  await learn.fitOneCycle(1, 1e-2);
}, 300_000);

afterAll(async () => {
  learn.dispose();
  clas.dispose();
  await tf.setBackend('cpu');
});

/** The studio's probabilities of one text, as its Predict cell computes them (unpadded, first maxLen tokens). */
const idsOf = (text: string) => numericalize(data.vocab, tokenize(text)).slice(0, MAX_LEN);
const texts = () => data.valid.slice(0, 24).map((t) => t.text);

async function probsOf(predict: (x: tf.Tensor2D) => tf.Tensor, rows: Int32Array[]): Promise<Float32Array> {
  const x = tf.tensor2d(
    rows.flatMap((r) => Array.from(r)),
    [rows.length, rows[0].length],
    'int32',
  );
  const p = predict(x);
  const v = Float32Array.from(await p.data());
  tf.dispose([x, p]);
  return v;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

function manifest(): TextManifest {
  return textManifest({
    clas,
    classes: data.classes,
    vocab: data.vocab,
    maxLen: MAX_LEN,
    minFreq: TEXT_DEFAULTS.minFreq,
    maxVocab: TEXT_DEFAULTS.maxVocab,
    route: 'from scratch',
    hidden: SIZES.hidden,
    history: learn.recorder.epochs,
  });
}

/** Serves the bundle's files to tfjs's HTTP loader from a folder, as a web server would. */
function folderFetch(dir: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const name = String(input).replace(/^https?:\/\/[^/]+\//, '');
    return new Response(readFileSync(join(dir, name)), { status: 200, headers: { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  }) as typeof fetch;
}

describe('text classifier export', () => {
  it('the exported LayersModel gives the studio`s probabilities on real e-mails, one at a time and in a batch', async () => {
    const model = classifierLayersModel(clas);
    let worst = 0;
    for (const text of texts()) {
      const ids = idsOf(text);
      worst = Math.max(worst, maxDiff(await probsOf((x) => model.predict(x) as tf.Tensor, [ids]), await probsOf((x) => learn.predict(x), [ids])));
    }
    // Texts of one length (their first 40 tokens) as one batch.
    const rows = data.valid
      .map((t) => t.ids)
      .filter((ids) => ids.length >= 40)
      .slice(0, 16)
      .map((ids) => ids.slice(0, 40));
    const batchDiff = maxDiff(await probsOf((x) => model.predict(x) as tf.Tensor, rows), await probsOf((x) => learn.predict(x), rows));
    console.log(`export parity: max |p_export - p_studio| ${worst.toExponential(2)} over ${texts().length} texts one by one, ${batchDiff.toExponential(2)} over a batch of ${rows.length}`);
    expect(worst).toBeLessThan(1e-4);
    expect(batchDiff).toBeLessThan(1e-4);
    model.dispose();
  });

  it('writes files that tf.loadLayersModel loads and that predict the same, with studio.json holding the vocabulary, the tokenizer and the classes', async () => {
    const m = manifest();
    const files = await textBundle(clas, m);
    expect(Object.keys(files).sort()).toEqual(['README.md', 'model.json', 'studio.json', 'weights.bin']);
    const dir = mkdtempSync(join(tmpdir(), 'text-export-'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const studio = JSON.parse(readFileSync(join(dir, 'studio.json'), 'utf8')) as TextManifest;
    expect(studio.kind).toBe('text');
    expect(studio.classes).toEqual([...data.classes]);
    expect(studio.text.itos).toEqual([...data.vocab.itos]);
    expect(studio.text.maxLen).toBe(MAX_LEN);
    expect(studio.text.tokenizer.rules).toContain('replace_maj');

    const loaded = await tf.loadLayersModel('http://bundle.test/model.json', { fetchFunc: folderFetch(dir) });
    let worst = 0;
    for (const text of texts()) {
      const ids = idsOf(text);
      worst = Math.max(worst, maxDiff(await probsOf((x) => loaded.predict(x) as tf.Tensor, [ids]), await probsOf((x) => learn.predict(x), [ids])));
    }
    console.log(
      `loaded from files: max |p_loaded - p_studio| ${worst.toExponential(2)}; model.json ${files['model.json'].length} B, weights.bin ${files['weights.bin'].length} B, studio.json ${files['studio.json'].length} B`,
    );
    expect(worst).toBeLessThan(1e-4);
    loaded.dispose();
  });

  it('the README`s plain-tfjs snippet tokenizes as the studio does and predicts what the studio predicts', async () => {
    const files = await textBundle(clas, manifest());
    const dir = mkdtempSync(join(tmpdir(), 'text-readme-'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const readme = new TextDecoder().decode(files['README.md']);
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    // The snippet as a page would run it, its module import replaced by the tf given here, its URL by the folder.
    const body = code!
      .replace(/^import .*$/m, '')
      .replace(/const url = '[^']*'/, "const url = 'http://bundle.test/'")
      .replace(/^console\.log\(.*$/m, 'return { tokenize, classify };');
    const realFetch = globalThis.fetch;
    globalThis.fetch = folderFetch(dir);
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (t: typeof tf) => Promise<{ tokenize: (s: string) => string[]; classify: (s: string) => Record<string, number> }>;
      const snippet = await new AsyncFunction('tf', body)(tf);
      const all = [...data.train, ...data.valid, ...data.unsup];
      const differ = all.filter((t) => JSON.stringify(snippet.tokenize(t.text)) !== JSON.stringify(t.tokens));
      expect(differ.map((t) => t.name)).toEqual([]);
      let worst = 0;
      for (const text of texts()) {
        const studio = await probsOf((x) => learn.predict(x), [idsOf(text)]);
        const theirs = snippet.classify(text);
        worst = Math.max(
          worst,
          maxDiff(
            data.classes.map((c) => theirs[c]),
            studio,
          ),
        );
      }
      console.log(`README snippet: tokens identical on all ${all.length} texts; max |p_snippet - p_studio| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-4);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('multi-label text classifier export (spam_tags_tiny)', () => {
  it('exports one sigmoid per tag: the loaded model and the README snippet give the studio`s probabilities and its tags over the threshold', async () => {
    const spec = { source: { kind: 'csv', csvPath: 'emails.csv', textColumn: 'text', labelColumn: 'tags', validColumn: 'is_valid', separator: ' ' }, ...TEXT_DEFAULTS } as const;
    const tags = await buildTextData(readFolder('public/samples/spam_tags_tiny'), spec);
    const c = tags.classes.length;
    const multi = new TextClassifier({ vocabSize: tags.vocab.itos.length, ...SIZES, numClasses: c, padIdx: tags.vocab.padIdx, seed: 1, drops: scaleDrops(CLAS_DROPS, 0.5) });
    const opts = { padIdx: tags.vocab.padIdx, maxLen: MAX_LEN, numClasses: c };
    const tagLearn = new TextLearner(
      multi,
      {
        train: classifierLoader(
          tags.train.map((t) => t.ids),
          tags.train.map((t) => t.tags),
          { ...opts, bs: 32, shuffle: true, seed: 1 },
        ),
        valid: classifierLoader(
          tags.valid.map((t) => t.ids),
          tags.valid.map((t) => t.tags),
          { ...opts, bs: 64 },
        ),
      },
      { loss: bceWithLogitsFlat() },
    );
    await tagLearn.fitOneCycle(1, 1e-2);
    const m = textManifest({
      clas: multi,
      task: 'multi',
      thresh: 0.2,
      classes: tags.classes,
      vocab: tags.vocab,
      maxLen: MAX_LEN,
      minFreq: 2,
      maxVocab: 6000,
      route: 'from scratch',
      hidden: SIZES.hidden,
      history: tagLearn.recorder.epochs,
    });
    const files = await textBundle(multi, m);
    const dir = mkdtempSync(join(tmpdir(), 'text-tags-'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const studio = JSON.parse(readFileSync(join(dir, 'studio.json'), 'utf8')) as TextManifest;
    expect([studio.task, studio.thresh, studio.classes]).toEqual(['multi', 0.2, [...tags.classes]]);
    const loaded = await tf.loadLayersModel('http://bundle.test/model.json', { fetchFunc: folderFetch(dir) });
    const code = /```js\n([\s\S]*?)```/
      .exec(new TextDecoder().decode(files['README.md']))![1]
      .replace(/^import .*$/m, '')
      .replace(/const url = '[^']*'/, "const url = 'http://bundle.test/'")
      .replace(/^console\.log\(.*$/m, 'return { classify, tagsOf };');
    const realFetch = globalThis.fetch;
    globalThis.fetch = folderFetch(dir);
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (t: typeof tf) => Promise<{ classify: (s: string) => Record<string, number>; tagsOf: (p: Record<string, number>) => string[] }>;
      const snippet = await new AsyncFunction('tf', code)(tf);
      let worst = 0;
      let differ = 0;
      for (const t of tags.valid.slice(0, 16)) {
        const ids = numericalize(tags.vocab, tokenize(t.text)).slice(0, MAX_LEN);
        const studioProbs = await probsOf((x) => tagLearn.predict(x), [ids]);
        const loadedProbs = await probsOf((x) => loaded.predict(x) as tf.Tensor, [ids]);
        const theirs = snippet.classify(t.text);
        worst = Math.max(
          worst,
          maxDiff(loadedProbs, studioProbs),
          maxDiff(
            tags.classes.map((k) => theirs[k]),
            studioProbs,
          ),
        );
        const studioTags = tags.classes.filter((_, k) => studioProbs[k] > Math.fround(0.2));
        if (JSON.stringify(snippet.tagsOf(theirs)) !== JSON.stringify(studioTags)) differ++;
      }
      // Sigmoids, not a softmax: the probabilities of a text need not add up to 1.
      const sums = (await probsOf((x) => loaded.predict(x) as tf.Tensor, [tags.valid[0].ids.slice(0, MAX_LEN)])).reduce((a, b) => a + b, 0);
      console.log(`multi-label export: max |p - p_studio| ${worst.toExponential(2)} (loaded model and README snippet), tags differ on ${differ} of 16 texts; probabilities of one text sum to ${sums.toFixed(3)}`);
      expect(worst).toBeLessThan(1e-4);
      expect(differ).toBe(0);
      expect(Math.abs(sums - 1)).toBeGreaterThan(1e-3);
    } finally {
      globalThis.fetch = realFetch;
      loaded.dispose();
      tagLearn.dispose();
      multi.dispose();
    }
  }, 300_000);
});
