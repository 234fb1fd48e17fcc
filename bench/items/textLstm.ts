/**
 * Item 8: the AWD-LSTM's training step per backend (issue 15: "tfjs LSTMs are known to be slow
 * on some backends: profile and fix what we own"). The studio's sizes and batches on the real
 * spam_tiny e-mails: the classifier (batch 32, first 80 tokens, padded) and the language model
 * (batch 32 x 40 tokens), each a `TextLearner` step (forward, cross-entropy + AR/TAR, gradients,
 * AdamW), median over timed steps after a warm-up; then `tf.profile` of the wasm steps, slowest
 * kernels first. Run alone: `npx tsx bench/items/textLstm.ts` (it also rewrites its section of
 * bench/RESULTS.md); BENCH_BACKENDS=wasm narrows it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readFolder } from '../../src/io/node/nodeFiles';
import type { BackendName } from '../../src/core/tf/backend';
import { CLAS_DROPS, LM_DROPS, scaleDrops } from '../../src/core/text/awdLstm';
import { classifierLoader, lmLoader } from '../../src/core/text/loaders';
import { LanguageModel, TextClassifier, type TextModel } from '../../src/core/text/models';
import { PRETRAINED_LM_SIZES, pretrainedWordSet } from '../../src/core/text/pretrainedLmFile';
import { readPretrainedLm } from '../../src/io/node/textLm';
import { TEXT_DEFAULTS, buildTextData, type TextData } from '../../src/core/text/textData';
import { TextLearner, type TextLoaders } from '../../src/core/text/textLearner';
import { BENCH_BACKENDS, useBackend } from '../lib/backend';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { profileSteps, type KernelRow } from '../lib/profile';
import { median, round } from '../lib/stats';
import { mdTable, num } from '../report/table';

/** The worker's sizes and batches (workers/textSession.ts): the shipped language model's. */
const SIZES = PRETRAINED_LM_SIZES;
const CLAS = { bs: 32, maxLen: 80 } as const;
const LM = { bs: 32, seqLen: 40 } as const;
/** Timed steps per model and backend (after one warm-up step). */
const STEPS: Record<string, number> = { cpu: 2, wasm: 6 };

export interface TextStepRow {
  readonly backend: BackendName;
  readonly model: 'classifier' | 'language model';
  /** Median ms per training step. */
  readonly stepMs: number;
  readonly steps: number;
  /** Tokens per second of training (batch x time steps / step time). */
  readonly tokensPerSecond: number;
}

export interface TextLstmResult {
  readonly item: '8';
  readonly setup: string;
  readonly rows: readonly TextStepRow[];
  /** 1-minute load average at the start and the end (the machine may be shared). */
  readonly load: readonly [number, number];
  /** `tf.profile` of one wasm step of each model: wall and kernel ms, slowest kernels. */
  readonly profiles: Readonly<Record<string, { readonly wallMs: number; readonly kernelMs: number; readonly calls: number; readonly top: readonly KernelRow[] }>>;
}

function loaders(data: TextData, lm: boolean, batches: number): TextLoaders {
  const ids = (items: TextData['train']) => items.map((t) => t.ids);
  if (lm) {
    // Enough text for `batches` batches of bs x seqLen tokens (plus the shifted target).
    const need = batches * LM.bs * LM.seqLen + LM.bs;
    const texts: Int32Array[] = [];
    let n = 0;
    for (const t of ids([...data.train, ...data.unsup])) {
      if (n >= need) break;
      texts.push(t);
      n += t.length;
    }
    return { train: lmLoader(texts, { ...LM, shuffle: true, seed: 1 }), valid: lmLoader(ids(data.valid.slice(0, 4)), { bs: 2, seqLen: LM.seqLen }) };
  }
  const train = data.train.slice(0, batches * CLAS.bs);
  const opts = { padIdx: data.vocab.padIdx, maxLen: CLAS.maxLen };
  return {
    train: classifierLoader(
      ids(train),
      train.map((t) => t.label),
      { ...opts, bs: CLAS.bs, shuffle: true, seed: 1 },
    ),
    valid: classifierLoader(
      ids(data.valid.slice(0, 2)),
      data.valid.slice(0, 2).map((t) => t.label),
      { ...opts, bs: 2 },
    ),
  };
}

function model(data: TextData, lm: boolean): TextModel {
  const vocabSize = data.vocab.itos.length;
  return lm
    ? new LanguageModel({ vocabSize, ...SIZES, seed: 1, drops: scaleDrops(LM_DROPS, 0.3) })
    : new TextClassifier({ vocabSize, ...SIZES, numClasses: data.classes.length, padIdx: data.vocab.padIdx, seed: 1, drops: scaleDrops(CLAS_DROPS, 0.5) });
}

/** Median step ms of `steps` steps after one warm-up, by the learner's own step timer. */
async function timeSteps(data: TextData, lm: boolean, steps: number): Promise<number> {
  const m = model(data, lm);
  const learn = new TextLearner(m, loaders(data, lm, steps + 1), { isLm: lm, clip: lm ? 0.1 : undefined });
  const ms: number[] = [];
  await learn.fit(1, 1e-3, { onProgress: (p) => p.phase === 'train' && ms.push(p.stepMs) });
  learn.dispose();
  m.dispose();
  return median(ms.slice(1));
}

async function profileWasm(data: TextData, lm: boolean): Promise<TextLstmResult['profiles'][string]> {
  const m = model(data, lm);
  const learn = new TextLearner(m, loaders(data, lm, 2), { isLm: lm, clip: lm ? 0.1 : undefined });
  await learn.fit(1, 1e-3);
  const p = await profileSteps(async () => void (await learn.fit(1, 1e-3)), 2, 1);
  learn.dispose();
  m.dispose();
  // customGrad ops appear as scopes ("forward", "unnamed scope") besides their own kernels: counted once.
  const kernels = p.kernels.filter((k) => tf.getKernel(k.name, 'wasm') != null);
  const sum = (key: 'ms' | 'calls') =>
    round(
      kernels.reduce((n, k) => n + k[key], 0),
      1,
    );
  return { wallMs: p.wallMs, kernelMs: sum('ms'), calls: sum('calls'), top: kernels.slice(0, 8) };
}

/** Item 8 on the backends of `BENCH_BACKENDS`. */
export async function textLstmBench(): Promise<TextLstmResult> {
  const load0 = round(loadavg()[0], 2);
  // The vocabulary the studio builds next to the shipped model (its words from one occurrence).
  const data = await buildTextData(readFolder('public/samples/spam_tiny'), { source: { kind: 'folder' }, ...TEXT_DEFAULTS }, pretrainedWordSet(readPretrainedLm().info));
  const rows: TextStepRow[] = [];
  const profiles: Record<string, TextLstmResult['profiles'][string]> = {};
  for (const backend of BENCH_BACKENDS) {
    await useBackend(backend);
    for (const lm of [false, true]) {
      const steps = STEPS[backend] ?? 4;
      const stepMs = round(await timeSteps(data, lm, steps), 1);
      const tokens = lm ? LM.bs * LM.seqLen : CLAS.bs * CLAS.maxLen;
      rows.push({ backend, model: lm ? 'language model' : 'classifier', stepMs, steps, tokensPerSecond: Math.round((tokens * 1000) / stepMs) });
      progress(`text ${backend} ${lm ? 'LM' : 'classifier'}: ${stepMs} ms/step`);
    }
    if (backend === 'wasm') for (const lm of [false, true]) profiles[lm ? 'language model' : 'classifier'] = await profileWasm(data, lm);
  }
  return {
    item: '8',
    setup: `the studio's AWD-LSTM (embedding ${SIZES.embSize}, ${SIZES.layers} LSTM layers of ${SIZES.hidden}, vocabulary ${data.vocab.itos.length}) on spam_tiny; classifier: batch ${CLAS.bs} of up to ${CLAS.maxLen} tokens (padded to the batch's longest), concat-pool head; language model: batch ${LM.bs} x ${LM.seqLen} tokens, tied decoder; one TextLearner step = forward, cross-entropy + AR/TAR, gradients, AdamW (LM: gradient clipping 0.1); median of the timed steps after one warm-up; tokens/s counts the classifier's batch at its full ${CLAS.maxLen} tokens`,
    rows,
    load: [load0, round(loadavg()[0], 2)],
    profiles,
  };
}

/** Item 8's section of bench/RESULTS.md. */
export function textLstmSection(r: TextLstmResult): string {
  const table = mdTable(
    ['backend', 'model', 'ms / step', 'tokens / s', 'steps timed'],
    r.rows.map((x) => [x.backend, x.model, num(x.stepMs), num(x.tokensPerSecond, 0), x.steps]),
  );
  const profiles = Object.entries(r.profiles).map(([name, p]) =>
    [
      `wasm ${name}, \`tf.profile\` of a step: ${num(p.wallMs)} ms wall, ${num(p.kernelMs)} ms in ${num(p.calls, 0)} kernels; slowest:`,
      '',
      mdTable(
        ['kernel', 'ms / step', 'calls / step'],
        p.top.map((k) => [k.name, num(k.ms, 2), num(k.calls, 0)]),
      ),
    ].join('\n'),
  );
  const load = `1-minute load average ${r.load[0]} at the start, ${r.load[1]} at the end, on ${cpus().length} cores: with a neighbour on the cores, steps take several times longer than on an idle machine.`;
  return ['## 8. Text: AWD-LSTM training steps', '', `Setup: ${r.setup}.`, '', load, '', table, '', ...profiles.flatMap((p) => [p, ''])].join('\n').trimEnd();
}

/** Puts `section` in place of item 8's section of `file` (or before the targets). */
export function writeSection(file: string, section: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('## 8. Text');
  const next = (from: number) => {
    const i = text.indexOf('\n## ', from + 1);
    return i < 0 ? text.length : i + 1;
  };
  const out = start >= 0 ? text.slice(0, start) + section + '\n\n' + text.slice(next(start)) : text.replace('## Targets', `${section}\n\n## Targets`);
  writeFileSync(file, out);
}

if (isMain(import.meta.url)) {
  const r = await textLstmBench();
  printJson(r);
  writeSection(join(process.cwd(), 'bench/RESULTS.md'), textLstmSection(r));
  tf.disposeVariables();
}
