/**
 * Item 2: training and inference samples/s per backend for the small CNN, xresnet (tiny) and
 * the built-in pretrained backbone (frozen head training as the studio starts, then unfrozen),
 * at 64 and 128 px, batch 32, through the Learner's own step. Slow cells get fewer reps
 * (`StepPlan`); the table says how many.
 * Run alone: `npx tsx bench/items/backendMatrix.ts` (BENCH_BACKENDS=wasm to narrow).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src/core/tf/backend';
import { Learner } from '../../src/core/train/learner';
import { BENCH_BACKENDS, useBackend } from '../lib/backend';
import { predictOnce, timeCalls, timeSteps, type StepPlan, type StepTiming } from '../lib/learnerSteps';
import { repeatLoaders, syntheticBatch } from '../lib/loaders';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { benchModel, type BenchArch } from '../lib/models';
import { perSecond, round } from '../lib/stats';

const BATCH = 32;
const CLASSES = 10;
const LR = 1e-3;
/**
 * Reps per image size. A first step slower than `slowMs` is the only sample (a 128 px xresnet
 * step takes ~45 s on the CPU backend); otherwise it is a warm-up (wasm's first step grows its
 * heap and is several times slower) and reps follow until `budgetMs` is spent.
 */
const TRAIN_PLAN: Record<number, StepPlan> = { 64: { reps: 3, slowMs: 15_000, budgetMs: 15_000 }, 128: { reps: 2, slowMs: 15_000, budgetMs: 15_000 } };
const INFER_PLAN: Record<number, StepPlan> = { 64: { reps: 3, slowMs: 5000, budgetMs: 3000 }, 128: { reps: 2, slowMs: 5000, budgetMs: 3000 } };

/** The model variants of the table; the pretrained one is timed frozen and unfrozen. */
export type MatrixModel = 'smallCnn' | 'xresnet' | 'pretrained (frozen)' | 'pretrained (unfrozen)';

/** One timing as samples/s plus how it was taken. */
export interface Throughput {
  /** Wall time. */
  readonly samplesPerSecond: number;
  /** Per second of this process's CPU time (robust to a busy neighbour). */
  readonly samplesPerCpuSecond: number;
  readonly msPerStep: number;
  readonly reps: number;
  /** False when only the first (warm-up) step was timed, for steps over a few seconds. */
  readonly warm: boolean;
}

/** One cell: a backend, model, size and mode. */
export interface MatrixRow {
  readonly backend: BackendName;
  readonly model: MatrixModel;
  readonly size: number;
  readonly mode: 'train' | 'infer';
  readonly result: Throughput;
}

/** Item 2's result. */
export interface MatrixResult {
  readonly item: 2;
  readonly setup: string;
  readonly rows: readonly MatrixRow[];
}

/** Which cells to run; the defaults are the whole table. */
export interface MatrixOptions {
  readonly backends?: readonly BackendName[];
  readonly archs?: readonly BenchArch[];
  readonly sizes?: readonly number[];
  /** Skip inference (the pipeline item only needs training rates). */
  readonly trainOnly?: boolean;
}

function throughput(t: StepTiming): Throughput {
  return { samplesPerSecond: round(perSecond(BATCH, t.ms)), samplesPerCpuSecond: round(perSecond(BATCH, t.cpuMs)), msPerStep: round(t.ms, 1), reps: t.reps, warm: t.warm };
}

/** Times every mode of one architecture at one size on the active backend. */
async function cells(backend: BackendName, arch: BenchArch, size: number, trainOnly: boolean): Promise<MatrixRow[]> {
  const batch = syntheticBatch(BATCH, size, CLASSES);
  const grouped = await benchModel(arch, CLASSES);
  // Enough batches for the warm-up and every rep; the timer stops the epoch early.
  const learn = new Learner(repeatLoaders(batch, CLASSES, (TRAIN_PLAN[size]?.reps ?? 2) + 2, 0), grouped, { lr: LR });
  const rows: MatrixRow[] = [];
  const add = (model: MatrixModel, mode: 'train' | 'infer', t: StepTiming) => {
    rows.push({ backend, model, size, mode, result: throughput(t) });
    progress(`item 2: ${backend} ${model} ${size}px ${mode}: ${t.ms.toFixed(0)} ms/step (${t.reps} rep${t.reps > 1 ? 's' : ''}${t.warm ? '' : ', first step'})`);
  };
  const plan = TRAIN_PLAN[size] ?? { reps: 2 };
  try {
    if (arch === 'pretrained') {
      // The studio starts a pretrained learner frozen (head + batch norm train), then unfreezes.
      learn.freeze();
      add('pretrained (frozen)', 'train', await timeSteps(learn, LR, plan));
      learn.unfreeze();
      add('pretrained (unfrozen)', 'train', await timeSteps(learn, LR, plan));
    } else {
      add(arch, 'train', await timeSteps(learn, LR, plan));
    }
    if (!trainOnly) add(arch === 'pretrained' ? 'pretrained (frozen)' : arch, 'infer', await timeCalls(() => predictOnce(learn, batch.x), INFER_PLAN[size] ?? { reps: 2 }));
  } finally {
    learn.dispose();
    grouped.model.dispose();
    tf.dispose([batch.x, batch.y]);
  }
  return rows;
}

/** Runs item 2 (or the cells `opts` selects). */
export async function matrixBench(opts: MatrixOptions = {}): Promise<MatrixResult> {
  const { backends = BENCH_BACKENDS, archs = ['smallCnn', 'xresnet', 'pretrained'], sizes = [64, 128], trainOnly = false } = opts;
  const rows: MatrixRow[] = [];
  for (const backend of backends) {
    await useBackend(backend);
    for (const arch of archs) for (const size of sizes) rows.push(...(await cells(backend, arch, size, trainOnly)));
  }
  return {
    item: 2,
    setup: `batch ${BATCH}, ${CLASSES} classes, random normalized inputs, Learner step (forward, cross-entropy, gradients, AdamW) with lr ${LR}; inference is \`learn.predict\` read back; median of the timed steps after one warm-up (a first step over 15 s training / 5 s inference is the only sample)`,
    rows,
  };
}

if (isMain(import.meta.url)) printJson(await matrixBench());
