/**
 * Item 4, off the training thread: the loader with a batch-preparation pool (`worker_threads`
 * running the same `prepareBatch` as the browser's preparation workers), its images/s with 1
 * and 2 workers against training consumption at 128 and 224 px, and the data wait of a real wasm fit (the
 * Learner's own `dataWaitMs` next to its `stepMs`) with the in-thread loader and with the pool.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { makeDataLoaders, type DataBlock } from '../../src/core/data/block';
import type { BatchPreparer } from '../../src/core/data/preparePool';
import type { DataBlockSpec } from '../../src/core/data/types';
import { Learner } from '../../src/core/train/learner';
import { nodePreparePool } from '../../src/io/node/nodePrepare';
import { startClock } from '../lib/clock';
import { progress } from '../lib/log';
import { benchModel } from '../lib/models';
import { median, round } from '../lib/stats';

/** The pool's rate over one training epoch, the loader consuming batches as fast as they come. */
export interface OffThreadRate {
  readonly workers: number;
  readonly images: number;
  readonly perSecond: number;
  /** Images per CPU-second of the whole process (the training thread and the workers). */
  readonly perCpuSecond: number;
  /** perSecond / the fastest training's samples/s on wasm at the same size. */
  readonly ratio: number;
  /** perCpuSecond / the fastest training's samples per CPU-second: the ratio per core. */
  readonly ratioPerCore: number;
  /** Busy time of the training thread (its event loop) per image: what the workers leave it. */
  readonly trainingThreadMsPerImage: number;
}

/** A wasm fit's data wait, the step's median and the wait's share of step + wait. */
export interface DataWaitRow {
  readonly loader: string;
  readonly steps: number;
  readonly stepMs: number;
  readonly waitMs: number;
  /** Sum of waits / sum of (wait + step) over the timed steps. */
  readonly share: number;
}

/** The fastest training on wasm at one size: the consumer the pool has to keep fed. */
export interface Fastest {
  readonly model: string;
  readonly samplesPerSecond: number;
  readonly samplesPerCpuSecond: number;
}

/** The pool's rates and a fit's data wait at one training size. */
export interface OffThreadSize {
  readonly size: number;
  readonly fastest: Fastest;
  readonly rates: readonly OffThreadRate[];
  readonly waits: readonly DataWaitRow[];
  /** os.loadavg() (1 min) before and after this size: whether the workers had an idle core to use. */
  readonly loadAverage: readonly [number, number];
}

/** The off-thread part of item 4, one entry per training size. */
export interface OffThreadResult {
  readonly sizes: readonly OffThreadSize[];
  readonly waitModel: string;
  readonly cores: number;
}

/** What to measure at one size: its consumer, and the loaders (preparation workers, 0 = in-thread) whose data wait a fit times. */
export interface OffThreadPlan {
  readonly size: number;
  readonly fastest: Fastest;
  readonly waitWorkers: readonly number[];
}

/**
 * Images/s of the training loader with `workers` preparation workers over one epoch, after a
 * whole warm-up epoch (the workers' first batches run colder code: ~35% slower here), and the
 * training thread's own busy time per image (drawing, sending, tensors).
 */
async function poolRate(block: DataBlock, spec: DataBlockSpec, workers: number): Promise<{ images: number; perSecond: number; perCpuSecond: number; mainMsPerImage: number }> {
  const pool = nodePreparePool(workers);
  try {
    const loader = makeDataLoaders(block, spec, pool).train;
    const epoch = async (e: number) => {
      let images = 0;
      for await (const b of loader.batches(e)) {
        images += b.x.shape[0];
        tf.dispose([b.x, b.y]);
      }
      return images;
    };
    await epoch(0);
    const busy = performance.eventLoopUtilization();
    const clock = startClock();
    const images = await epoch(1);
    const lap = clock();
    const main = performance.eventLoopUtilization(busy);
    return { images, perSecond: (images * 1000) / lap.wallMs, perCpuSecond: (images * 1000) / lap.cpuMs, mainMsPerImage: main.active / images };
  } finally {
    pool.close();
  }
}

/** One wasm fit of the frozen pretrained body through the block's loader: each train step's wait and time, after a warm-up epoch. */
async function dataWait(block: DataBlock, spec: DataBlockSpec, pool: BatchPreparer | undefined): Promise<{ stepMs: number[]; waitMs: number[] }> {
  const grouped = await benchModel('pretrained', block.classes.length);
  const learn = new Learner(makeDataLoaders(block, spec, pool), grouped, { lr: 1e-3 });
  learn.freeze();
  const stepMs: number[] = [];
  const waitMs: number[] = [];
  try {
    await learn.fit(1);
    const record = {
      name: 'dataWait',
      afterBatch: () => {
        if (learn.state.phase !== 'train') return;
        stepMs.push(learn.state.stepMs);
        waitMs.push(learn.state.dataWaitMs);
      },
    };
    await learn.fit(1, learn.lr, { callbacks: [record] });
  } finally {
    learn.dispose();
    grouped.model.dispose();
  }
  return { stepMs, waitMs };
}

/**
 * Measures, at each planned size, the pool's rate with 1 and 2 workers and, on wasm, the data
 * wait of a fit with each planned loader. The block's decoded pictures serve every size (kept at
 * up to twice the training side, they are the source's 256 px at both 128 and 224 px).
 */
export async function offThreadBench(block: DataBlock, spec: DataBlockSpec, plans: readonly OffThreadPlan[]): Promise<OffThreadResult> {
  const sizes: OffThreadSize[] = [];
  for (const plan of plans) sizes.push(await atSize(block, { ...spec, transforms: { ...spec.transforms, size: plan.size } }, plan));
  return { sizes, waitModel: 'pretrained (frozen)', cores: cpus().length };
}

async function atSize(block: DataBlock, spec: DataBlockSpec, { size, fastest, waitWorkers }: OffThreadPlan): Promise<OffThreadSize> {
  const loadBefore = loadavg()[0];
  const rates: OffThreadRate[] = [];
  for (const workers of [1, 2]) {
    const r = await poolRate(block, spec, workers);
    rates.push({
      workers,
      images: r.images,
      perSecond: round(r.perSecond),
      perCpuSecond: round(r.perCpuSecond),
      ratio: round(r.perSecond / fastest.samplesPerSecond, 2),
      ratioPerCore: round(r.perCpuSecond / fastest.samplesPerCpuSecond, 2),
      trainingThreadMsPerImage: round(r.mainMsPerImage, 2),
    });
    progress(
      `item 4 off-thread at ${size} px: ${workers} worker(s) ${round(r.perSecond)} img/s (${round(r.perCpuSecond)} per CPU-s; training thread ${round(r.mainMsPerImage, 2)} ms/img) vs training ${fastest.samplesPerSecond}/s`,
    );
  }
  const waits: DataWaitRow[] = [];
  for (const workers of waitWorkers) {
    const pool = workers ? nodePreparePool(workers) : undefined;
    try {
      const { stepMs, waitMs } = await dataWait(block, spec, pool);
      const [wait, step] = [waitMs.reduce((a, b) => a + b, 0), stepMs.reduce((a, b) => a + b, 0)];
      const loader = workers ? `${workers} preparation worker${workers > 1 ? 's' : ''}` : 'in-thread (collate)';
      waits.push({ loader, steps: stepMs.length, stepMs: round(median(stepMs), 1), waitMs: round(median(waitMs), 1), share: round(wait / (wait + step), 3) });
      progress(`item 4 data wait at ${size} px, ${loader}: step ${round(median(stepMs), 1)} ms, wait ${round(median(waitMs), 1)} ms (${round((100 * wait) / (wait + step), 1)}%)`);
    } finally {
      pool?.close();
    }
  }
  return { size, fastest, rates, waits, loadAverage: [round(loadBefore, 2), round(loadavg()[0], 2)] };
}
