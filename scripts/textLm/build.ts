/**
 * Builds the studio's pretrained language model, `public/models/text-lm/` (committed, like the
 * MNIST backbone): the general-English corpus of `corpus.ts` tokenized and numericalised by the
 * studio's own tokenizer, then pretrained under PyTorch (`pretrain_lm.py`, Debian's
 * /usr/bin/python3 with python3-torch) at the browser's sizes, and written as the studio reads it:
 * `model.json` (vocabulary, sizes, corpus, the validation perplexity, a reference loss) and
 * `weights.bin` (float32, in `LanguageModel.variables()` order).
 * Usage: `npm run text-lm [-- --epochs N]`. Takes about half an hour on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LM_DROPS, scaleDrops } from '../../src/core/text/awdLstm';
import { PRETRAINED_LM_SIZES, type PretrainedLmInfo } from '../../src/core/text/pretrainedLmFile';
import { tokenizeAll } from '../../src/core/text/tokenize';
import { countTokens, makeVocab, numericalize, unknownRate } from '../../src/core/text/vocab';
import { readLmCorpus } from './corpus';

const OUT = join('public', 'models', 'text-lm');
/** fastai's min_freq; a vocabulary a browser's embedding can hold. */
const VOCAB = { minFreq: 3, maxVocab: 8000 } as const;
const TRAIN = { bs: 64, bptt: 70, lr: 1e-2, seed: 1, dropMult: 0.3 } as const;

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
  const started = performance.now();
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
  const drops = scaleDrops(LM_DROPS, TRAIN.dropMult);
  const meta = {
    vocab: vocab.itos.length,
    ...PRETRAINED_LM_SIZES,
    epochs,
    ...TRAIN,
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
    corpus: corpus.source,
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
  console.log(`text-lm: validation perplexity ${last.perplexity.toFixed(1)} after ${epochs} epochs, written to ${OUT} in ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

main();
