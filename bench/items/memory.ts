/**
 * Item 6: tensors and bytes held by tfjs after each of 5 epochs of the studio's default fit
 * (`fitOneCycle`, small CNN, mnist_tiny at 28 px with its augmentation and validation). Flat
 * means every epoch frees all it makes; the first epoch adds the optimizer's moments.
 * Run alone: `npx tsx bench/items/memory.ts` (BENCH_BACKENDS=wasm to narrow).
 */
import * as tf from '@tensorflow/tfjs';
import { smallCnn } from '../../src/core/model/smallCnn';
import type { BackendName } from '../../src/core/tf/backend';
import type { Callback } from '../../src/core/train/callback';
import { Learner } from '../../src/core/train/learner';
import { BENCH_BACKENDS, useBackend } from '../lib/backend';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { mnistTinyLoaders } from '../lib/mnistTiny';

const EPOCHS = 5;
const LR = 1e-2;

/** tf.memory() at one point of the fit. */
export interface MemoryPoint {
  /** 'before fit' or 'epoch N'. */
  readonly at: string;
  readonly numTensors: number;
  readonly numBytes: number;
  /** Validation accuracy after the epoch, to show the fit trained. */
  readonly accuracy?: number;
}

/** Item 6 on one backend. */
export interface MemoryBackend {
  readonly backend: BackendName;
  readonly points: readonly MemoryPoint[];
  /** Tensors and bytes of the last epoch minus the first: 0 and 0 when flat. */
  readonly growth: { readonly numTensors: number; readonly numBytes: number };
  /** Tensors left after the learner and model are disposed, minus before they were made. */
  readonly leftAfterDispose: number;
  readonly seconds: number;
}

/** Item 6's result. */
export interface MemoryResult {
  readonly item: 6;
  readonly setup: string;
  readonly backends: readonly MemoryBackend[];
}

async function onBackend(backend: BackendName): Promise<MemoryBackend> {
  await useBackend(backend);
  const dls = await mnistTinyLoaders(28, 64);
  const start = tf.memory().numTensors;
  const grouped = smallCnn(dls.classes.length);
  const learn = new Learner(dls, grouped);
  const points: MemoryPoint[] = [];
  const mark = (at: string, accuracy?: number) => {
    const m = tf.memory();
    points.push({ at, numTensors: m.numTensors, numBytes: m.numBytes, ...(accuracy === undefined ? {} : { accuracy }) });
  };
  // Last in order, after the recorder has written the epoch's row; the loop has already freed the batch.
  const meter: Callback = { name: 'memoryMeter', order: 1000, afterEpoch: () => mark(`epoch ${points.length}`, learn.state.metrics.accuracy) };
  mark('before fit');
  const t0 = performance.now();
  await learn.fitOneCycle(EPOCHS, LR, { callbacks: [meter] });
  const seconds = (performance.now() - t0) / 1000;
  learn.dispose();
  grouped.model.dispose();
  const first = points[1];
  const last = points[points.length - 1];
  progress(`item 6 on ${backend}: ${points.map((p) => `${p.at} ${p.numTensors}`).join(', ')} tensors`);
  return {
    backend,
    points,
    growth: { numTensors: last.numTensors - first.numTensors, numBytes: last.numBytes - first.numBytes },
    leftAfterDispose: tf.memory().numTensors - start,
    seconds: Math.round(seconds * 10) / 10,
  };
}

/** Runs item 6 on every benchmark backend. */
export async function memoryBench(backends: readonly BackendName[] = BENCH_BACKENDS): Promise<MemoryResult> {
  const out: MemoryBackend[] = [];
  for (const b of backends) out.push(await onBackend(b));
  return { item: 6, setup: `fitOneCycle(${EPOCHS}, ${LR}) of the small CNN on mnist_tiny (560 training, 140 validation images, 28 px, default augmentation, batch 64); tf.memory() after each epoch`, backends: out };
}

if (isMain(import.meta.url)) printJson(await memoryBench());
