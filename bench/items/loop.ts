/**
 * Item 1: the studio's training loop vs a bare tfjs loop, same small CNN (10 classes), batch 64
 * of 28x28x3, same backend, epochs of the variants interleaved round by round so a busy
 * neighbour slows them alike. Extra variants split the gap (loop, optimizer, weight decay, data
 * pipeline), and `tf.profile` of one step of each says which kernels differ.
 * Run alone: `npx tsx bench/items/loop.ts` (BENCH_BACKENDS=wasm to narrow).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src/core/tf/backend';
import { BENCH_BACKENDS, useBackend } from '../lib/backend';
import { cycleBatches, repeatLoaders, syntheticBatch } from '../lib/loaders';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { mnistTinyLoaders } from '../lib/mnistTiny';
import { kernelDiff, profileSteps, type KernelRow, type StepProfile } from '../lib/profile';
import type { Lap } from '../lib/clock';
import { median, perSecond, round } from '../lib/stats';
import { bareLoop, studioLoop, tapeStep, type LoopSetup, type LoopVariant } from './loopVariants';

const BATCH = 64;
const SIZE = 28;
const CLASSES = 10;
const LR = 1e-3;
/**
 * Steps per epoch and interleaved rounds per backend: short epochs (~0.5-1.5 s) and many rounds,
 * so a neighbour's load, which comes and goes over seconds, hits the variants of a round alike.
 */
const PLAN: Record<string, { readonly batches: number; readonly rounds: number }> = { cpu: { batches: 4, rounds: 6 }, wasm: { batches: 6, rounds: 9 } };
/** Steps in each profiled run (3 runs per loop, medians per kernel). */
const PROFILE_STEPS = 2;

/** One variant's throughput over the rounds. */
export interface LoopRow {
  readonly variant: string;
  readonly what: string;
  /** Median over rounds, wall time. */
  readonly samplesPerSecond: number;
  /** Median over rounds, per second of this process's CPU time (robust to a busy neighbour). */
  readonly samplesPerCpuSecond: number;
  /** Each round's samples/s (wall). */
  readonly rounds: readonly number[];
  /** Median over rounds of (this variant / bare) within the same round, wall time. */
  readonly vsBare: number;
  /** The same on CPU time. */
  readonly vsBareCpu: number;
}

/** A profile trimmed for the report: totals and the slowest kernels. */
export interface ProfileSummary {
  readonly wallMs: number;
  readonly kernelMs: number;
  readonly calls: number;
  readonly top: readonly KernelRow[];
}

/** Item 1 on one backend. */
export interface LoopBackend {
  readonly backend: BackendName;
  readonly batchesPerEpoch: number;
  readonly rounds: number;
  readonly rows: readonly LoopRow[];
  /** studio / bare on wall time: the target figure. */
  readonly ratio: number;
  /** studio / bare on CPU time. */
  readonly ratioCpu: number;
  /** The studio's fixed cost per epoch (a fit without batches), median of 5, ms. */
  readonly epochFixed: { readonly wallMs: number; readonly cpuMs: number };
  readonly profile: {
    readonly bare: ProfileSummary;
    readonly studio: ProfileSummary;
    readonly pipeline: ProfileSummary;
    /** studio minus bare, per kernel name, per step. */
    readonly studioMinusBare: readonly KernelRow[];
    /** studio on mnist_tiny with augmentation minus studio on pre-made tensors. */
    readonly pipelineMinusStudio: readonly KernelRow[];
  };
}

/** Item 1's result. */
export interface LoopResult {
  readonly item: 1;
  readonly setup: string;
  readonly target: number;
  readonly backends: readonly LoopBackend[];
}

async function variantsFor(backend: BackendName, s: LoopSetup): Promise<LoopVariant[]> {
  const premade = repeatLoaders(s.batch, CLASSES, s.batches, 1);
  const short = (n: number) => repeatLoaders(s.batch, CLASSES, n, 0);
  const real = await mnistTinyLoaders(SIZE, BATCH);
  const realShort = (n: number) => ({ ...real, train: cycleBatches(real.train, n), valid: cycleBatches(real.valid, 0) });
  progress(`item 1 on ${backend}: ${s.batches} steps per epoch`);
  return [
    bareLoop(s),
    studioLoop('studio', '`Learner.fit(1)` on pre-made tensors: AdamW (wd 0.01), loss smoothing, recorder, weight snapshots', premade, short, s),
    studioLoop('studio, wd 0', 'the same with weight decay off', premade, short, s, 0),
    tapeStep(s, 'adamw'),
    tapeStep(s, 'tf.train.adam'),
    studioLoop(
      'studio + data pipeline',
      '`Learner.fit(1)` on mnist_tiny (2 classes) through the studio loader: resize, default augmentation (flip, rotate, zoom, warp, lighting), normalize',
      { ...real, train: cycleBatches(real.train, s.batches), valid: cycleBatches(real.valid, 1) },
      realShort,
      s,
    ),
  ];
}

function summary(p: StepProfile, top = 8): ProfileSummary {
  return { wallMs: p.wallMs, kernelMs: p.kernelMs, calls: p.calls, top: p.kernels.slice(0, top) };
}

async function onBackend(backend: BackendName): Promise<LoopBackend> {
  await useBackend(backend);
  const batch = syntheticBatch(BATCH, SIZE, CLASSES);
  const plan = PLAN[backend] ?? { batches: 10, rounds: 3 };
  const s: LoopSetup = { batch, numClasses: CLASSES, batches: plan.batches, lr: LR };
  const variants = await variantsFor(backend, s);
  try {
    for (const v of variants) await v.warm();
    const perRound: number[][] = variants.map(() => []);
    const perCpu: number[][] = variants.map(() => []);
    for (let r = 0; r < plan.rounds; r++) {
      for (const [i, v] of variants.entries()) {
        const { lap, images } = await v.epoch();
        perRound[i].push(perSecond(images, lap.wallMs));
        perCpu[i].push(perSecond(images, lap.cpuMs));
      }
      progress(`item 1 on ${backend}: round ${r + 1}/${plan.rounds}: ${variants.map((v, i) => `${v.name} ${perRound[i][r].toFixed(0)}`).join(', ')} samples/s`);
    }
    const paired = (runs: number[][], i: number) => round(median(runs[i].map((x, r) => x / runs[0][r])), 3);
    const rows = variants.map((v, i) => ({
      variant: v.name,
      what: v.what,
      samplesPerSecond: round(median(perRound[i])),
      samplesPerCpuSecond: round(median(perCpu[i])),
      rounds: perRound[i].map((x) => round(x)),
      vsBare: paired(perRound, i),
      vsBareCpu: paired(perCpu, i),
    }));
    const empty: Lap[] = [];
    for (let i = 0; i < 5; i++) empty.push(await variants[1].emptyEpoch!());
    const epochFixed = { wallMs: round(median(empty.map((l) => l.wallMs)), 2), cpuMs: round(median(empty.map((l) => l.cpuMs)), 2) };
    const profile = (v: LoopVariant) => profileSteps(() => v.profileRun(PROFILE_STEPS), PROFILE_STEPS);
    const bare = await profile(variants[0]);
    const studio = await profile(variants[1]);
    const pipeline = await profile(variants[5]);
    return {
      backend,
      batchesPerEpoch: s.batches,
      rounds: plan.rounds,
      rows,
      ratio: rows[1].vsBare,
      ratioCpu: rows[1].vsBareCpu,
      epochFixed,
      profile: {
        bare: summary(bare),
        studio: summary(studio),
        pipeline: summary(pipeline),
        studioMinusBare: kernelDiff(studio, bare),
        pipelineMinusStudio: kernelDiff(pipeline, studio),
      },
    };
  } finally {
    variants.forEach((v) => v.dispose());
    tf.dispose([batch.x, batch.y]);
  }
}

/** Runs item 1 on every benchmark backend. */
export async function loopBench(backends: readonly BackendName[] = BENCH_BACKENDS): Promise<LoopResult> {
  const out: LoopBackend[] = [];
  for (const b of backends) out.push(await onBackend(b));
  return { item: 1, setup: `small CNN, ${CLASSES} classes, batch ${BATCH} of ${SIZE}x${SIZE}x3, lr ${LR}, interleaved rounds of one epoch per variant, medians`, target: 0.95, backends: out };
}

if (isMain(import.meta.url)) printJson(await loopBench());
