/**
 * Item 2b: the built-in pretrained ImageNet body (MobileNetV2 cut where `bodies.ts` says, with
 * fastai's head), built exactly as the studio builds it (`buildModel` over HTTP from
 * public/models/mobilenet_v2), trained through the Learner frozen (head + batch norm, as the
 * studio starts) and unfrozen, and run for inference (`model.predict`, inference mode, read
 * back), at 128 px (batch 16) and 224 px (batch 8) on each Node backend.
 * A cell whose step would take over 20 s (`SKIP_MS`) is recorded as skipped with the reason
 * instead of waiting: either its first step ran over 40 s (`FIRST_STEP_MS`: a first step
 * carries one-time costs), or an estimate from cells already timed runs over
 * (training >= 2x inference at the same size; unfrozen >= frozen; 224 px from 128 px scaled
 * by pixels x batch). Inference runs first, so the cpu backend's training cells (a 128 px
 * step took 82 s there) cost no time.
 * Run alone (about 2-3 minutes on 2 cores): `npx tsx bench/items/backbone.ts`
 * (BENCH_BACKENDS=wasm to narrow).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MOBILENET_V2 } from '../../src/core/model/bodies';
import { paramGroups } from '../../src/core/model/params';
import type { GroupedModel } from '../../src/core/model/types';
import type { BackendName } from '../../src/core/tf/backend';
import { Learner } from '../../src/core/train/learner';
import type { Param } from '../../src/core/train/optimizer';
import { IMAGENET_STATS } from '../../src/core/transforms/augment';
import { buildModel } from '../../src/core/model/build';
import { backboneLoader } from '../../src/io/backbone';
import { serveFolder } from '../../src/io/node/staticServer';
import { BENCH_BACKENDS, useBackend } from '../lib/backend';
import { timeCalls, timeSteps, type StepPlan, type StepTiming } from '../lib/learnerSteps';
import { repeatLoaders, syntheticBatch } from '../lib/loaders';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { perSecond, round } from '../lib/stats';
import type { Throughput } from './backendMatrix';

const CLASSES = 10;
const LR = 1e-3;
/** The body's `model.json` under public/, as the studio's built-in list names it. */
const BODY_PATH = 'models/mobilenet_v2/model.json';
/** Image sizes and their batch: small batches keep the whole item within ~2.5 minutes on 2 cores. */
const SIZES: readonly { readonly size: number; readonly batch: number }[] = [
  { size: 128, batch: 16 },
  { size: 224, batch: 8 },
];
/** A step estimated slower than this (ms) from the cells already timed is not run: the cell is skipped. */
const SKIP_MS = 20_000;
/**
 * A first step slower than this (ms) ends the cell as skipped. It is looser than `SKIP_MS`
 * because a first step carries one-time costs (wasm's grows its heap: 2-3x a later step).
 */
const FIRST_STEP_MS = 40_000;
/** One warm-up step, then up to 2 timed steps within 10 s. */
const TRAIN_PLAN: StepPlan = { reps: 2, slowMs: FIRST_STEP_MS, budgetMs: 10_000 };
/** Inference: a first call over 5 s is the only sample (the table says so). */
const INFER_PLAN: StepPlan = { reps: 3, slowMs: 5000, budgetMs: 4000 };

/** A training step does at least this many times an inference's work (forward, then gradients back through the body). */
const TRAIN_OVER_INFER = 2;

/** How the body is run: trained frozen or unfrozen, or inference. */
export type BackboneMode = 'frozen' | 'unfrozen' | 'inference';

/** One cell: a backend, size and mode, timed or skipped. */
export interface BackboneRow {
  readonly backend: BackendName;
  readonly size: number;
  readonly mode: BackboneMode;
  readonly batch: number;
  /** Absent when skipped or failed. */
  readonly result?: Throughput;
  /** Why the cell was not timed: over the time limit, measured or estimated. */
  readonly skipped?: string;
  /** The error a kernel threw (a wasm trap, say), when the cell failed. */
  readonly error?: string;
}

/** Item 2b's result. */
export interface BackboneResult {
  readonly item: '2b';
  readonly setup: string;
  /** Trainable / all parameters of the model. */
  readonly params: { readonly frozen: number; readonly total: number };
  readonly rows: readonly BackboneRow[];
}

function throughput(batch: number, t: StepTiming): Throughput {
  // Two decimals: these rates are a few samples/s.
  return { samplesPerSecond: round(perSecond(batch, t.ms), 2), samplesPerCpuSecond: round(perSecond(batch, t.cpuMs), 2), msPerStep: round(t.ms, 1), reps: t.reps, warm: t.warm };
}

/**
 * Why a cell should not run, judged from the cells already timed on this backend (inference
 * first, then frozen, then unfrozen, at 128 px first); undefined to run it.
 */
function predictSkip(done: readonly BackboneRow[], size: number, batch: number, mode: BackboneMode): string | undefined {
  const limit = `${SKIP_MS / 1000} s`;
  const at = (m: BackboneMode, px = size) => done.find((r) => r.size === px && r.mode === m);
  if (mode !== 'inference') {
    const infer = at('inference');
    if (infer?.skipped) return `inference at ${size} px was skipped as over ${limit} per step`;
    const estimate = (infer?.result?.msPerStep ?? 0) * TRAIN_OVER_INFER;
    if (estimate > SKIP_MS) return `a training step costs over ${TRAIN_OVER_INFER}x inference's ${((infer?.result?.msPerStep ?? 0) / 1000).toFixed(0)} s (over ${limit})`;
  }
  if (mode === 'unfrozen' && at('frozen')?.skipped) return `frozen at ${size} px was skipped as over ${limit} per step; unfrozen costs more`;
  const base = at(mode, SIZES[0].size);
  if (base === undefined || size === base.size) return undefined;
  if (base.skipped) return `${base.size} px was skipped as over ${limit} per step`;
  const estimate = (base.result?.msPerStep ?? 0) * ((size * size * batch) / (base.size * base.size * base.batch));
  return estimate > SKIP_MS ? `estimated ${(estimate / 1000).toFixed(0)} s per step from ${base.size} px (over ${limit})` : undefined;
}

/**
 * Times `run`, or says why it failed: a kernel that throws (a wasm trap, say) becomes the
 * cell's reason, so one failure does not end the whole benchmark.
 */
async function attempt(run: () => Promise<StepTiming>): Promise<StepTiming | { error: string }> {
  try {
    return await run();
  } catch (e) {
    return { error: (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0] };
  }
}

/** Model outputs for `x` in inference mode, read back so the work is done when it resolves. */
async function predictOnce(model: tf.LayersModel, x: tf.Tensor4D): Promise<void> {
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  y.dispose();
}

/** Every size and mode on the active backend, for a model built on it. */
async function backendCells(backend: BackendName, grouped: GroupedModel): Promise<BackboneRow[]> {
  const rows: BackboneRow[] = [];
  const add = (size: number, batch: number, mode: BackboneMode, t: StepTiming | { error: string } | string) => {
    const cell = { backend, size, mode, batch };
    const tag = `item 2b: ${backend} ${size}px ${mode} batch ${batch}`;
    if (typeof t === 'object' && 'error' in t) {
      rows.push({ ...cell, error: t.error });
      progress(`${tag}: failed (${t.error})`);
      return;
    }
    const skipped = typeof t === 'string' ? t : !t.warm && t.ms > FIRST_STEP_MS ? `first step took ${(t.ms / 1000).toFixed(0)} s (over ${FIRST_STEP_MS / 1000} s)` : undefined;
    if (skipped !== undefined || typeof t === 'string') {
      rows.push({ ...cell, skipped });
      progress(`${tag}: skipped (${skipped})`);
    } else {
      rows.push({ ...cell, result: throughput(batch, t) });
      progress(`${tag}: ${t.ms.toFixed(0)} ms/step (${t.reps} rep${t.reps > 1 ? 's' : ''}${t.warm ? '' : ', first step'})`);
    }
  };
  for (const { size, batch } of SIZES) {
    const data = syntheticBatch(batch, size, CLASSES);
    // Enough batches for the warm-up and every rep; the timer stops the epoch early.
    const learn = new Learner(repeatLoaders(data, CLASSES, TRAIN_PLAN.reps + 2, 0), grouped, { lr: LR });
    try {
      add(size, batch, 'inference', predictSkip(rows, size, batch, 'inference') ?? (await attempt(() => timeCalls(() => predictOnce(grouped.model, data.x), INFER_PLAN))));
      for (const mode of ['frozen', 'unfrozen'] as const) {
        const why = predictSkip(rows, size, batch, mode);
        if (why !== undefined) {
          add(size, batch, mode, why);
          continue;
        }
        // The studio starts a pretrained learner frozen (head + batch norm train), then unfreezes.
        if (mode === 'frozen') learn.freeze();
        else learn.unfreeze();
        add(size, batch, mode, await attempt(() => timeSteps(learn, LR, TRAIN_PLAN)));
      }
    } finally {
      learn.dispose();
      tf.dispose([data.x, data.y]);
    }
  }
  return rows;
}

/** Parameters that train when frozen (head + batch norm, as `Learner.freeze` picks them) and in all. */
function countParams(grouped: GroupedModel): { frozen: number; total: number } {
  const groups = paramGroups(grouped);
  const size = (ps: readonly Param[]) => ps.reduce((s, p) => s + p.variable.size, 0);
  return { frozen: size(groups.flatMap((g, i) => (i === groups.length - 1 ? g : g.filter((p) => p.isBn)))), total: size(groups.flat()) };
}

/** Runs item 2b on `backends`. */
export async function backboneBench(backends: readonly BackendName[] = BENCH_BACKENDS): Promise<BackboneResult> {
  const server = await serveFolder(join(process.cwd(), 'public'));
  const rows: BackboneRow[] = [];
  let params = { frozen: NaN, total: NaN };
  try {
    for (const backend of backends) {
      await useBackend(backend);
      const grouped = await buildModel({ kind: 'pretrained', url: `${server.url}/${BODY_PATH}` }, 'single', CLASSES, { height: SIZES[0].size, width: SIZES[0].size, stats: IMAGENET_STATS }, backboneLoader);
      try {
        params = countParams(grouped);
        rows.push(...(await backendCells(backend, grouped)));
      } finally {
        grouped.model.dispose();
      }
    }
  } finally {
    await server.close();
  }
  return {
    item: '2b',
    setup: `the built-in MobileNetV2 body (public/${BODY_PATH}, cut at ${MOBILENET_V2.cut}) with fastai's head, ${CLASSES} classes, built by the studio's \`buildModel\`; ${params.frozen.toLocaleString('en-US')} of ${params.total.toLocaleString('en-US')} parameters train when frozen; random normalized inputs; training is the Learner step (forward, cross-entropy, gradients, AdamW, lr ${LR}), frozen = \`learn.freeze()\` (head + batch norm), unfrozen = \`learn.unfreeze()\`; inference is \`model.predict\` read back; median of up to ${TRAIN_PLAN.reps} (training) or ${INFER_PLAN.reps} (inference) timed steps after one warm-up; a cell is skipped when a step is estimated over ${SKIP_MS / 1000} s from the cells already timed (training >= ${TRAIN_OVER_INFER}x inference, unfrozen >= frozen, 224 px from 128 px by pixels x batch) or its first step takes over ${FIRST_STEP_MS / 1000} s`,
    params,
    rows,
  };
}

if (isMain(import.meta.url)) printJson(await backboneBench());
