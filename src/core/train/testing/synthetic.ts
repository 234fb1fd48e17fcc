import * as tf from '@tensorflow/tfjs';
import type { DataLoaders } from '../../data/batch';
import { seededRandom } from '../../tf/backend';
import { arrayLoaders } from './arrays';

/**
 * A tiny learnable single-label set for fast loop tests: random `size`x`size` RGB noise where
 * class 1 has a brighter left half. Deterministic for a seed.
 */
export function brightnessLoaders(opts: { nTrain?: number; nValid?: number; size?: number; batchSize?: number; seed?: number } = {}): DataLoaders & { dispose(): void } {
  const { nTrain = 64, nValid = 32, size = 8, batchSize = 16, seed = 3 } = opts;
  const rand = seededRandom(seed);
  const make = (n: number) => {
    const px = new Float32Array(n * size * size * 3);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let j = 0; j < size * size * 3; j++) {
        const x = Math.floor(j / 3) % size;
        px[i * size * size * 3 + j] = rand() - 0.5 + (labels[i] === 1 && x < size / 2 ? 0.8 : 0);
      }
    }
    return { x: tf.tensor4d(px, [n, size, size, 3]), y: tf.tensor1d(labels, 'int32') };
  };
  const train = make(nTrain);
  const valid = make(nValid);
  const dls = arrayLoaders(train, valid, 'single', batchSize, { classes: ['dark', 'bright'], seed });
  tf.dispose([train.x, train.y, valid.x, valid.y]);
  return dls;
}

/** Every weight of a model as plain arrays, for exact before/after comparisons. */
export async function weightValues(model: tf.LayersModel): Promise<Record<string, number[]>> {
  const entries = await Promise.all(model.weights.map(async (w) => [w.originalName, Array.from(await w.read().data())] as const));
  return Object.fromEntries(entries);
}

/** Pixels of `n` noisy `size`x`size` images with bright rectangles chosen by `boxes(i)` (x0, y0, x1, y1 in pixels). */
function boxImages(n: number, size: number, rand: () => number, boxes: (i: number) => [number, number, number, number][]): Float32Array {
  const px = new Float32Array(n * size * size * 3);
  for (let i = 0; i < n; i++) {
    const bs = boxes(i);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const on = bs.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
        for (let c = 0; c < 3; c++) px[((i * size + y) * size + x) * 3 + c] = rand() * 0.6 - 0.3 + (on ? 1 : -0.5);
      }
  }
  return px;
}

/** Loaders for the other tasks: multi-label, segmentation (void = code 2 on the first row) and points. */
export function taskLoaders(task: 'multi' | 'segmentation' | 'points', opts: { n?: number; size?: number; batchSize?: number; seed?: number } = {}): DataLoaders & { dispose(): void } {
  const { n = 64, size = 16, batchSize = 16, seed = 5 } = opts;
  const rand = seededRandom(seed);
  const h = size / 2;
  const make = (count: number) => {
    // one random square per image for points/segmentation; two independent flags for multi-label
    const spec = Array.from({ length: count }, () => ({ a: rand() < 0.5, b: rand() < 0.5, x: Math.floor(rand() * (size - 5)), y: Math.floor(rand() * (size - 5)) }));
    // Every tile carries at least one tag, as in Planet.
    spec.forEach((s) => (s.b = s.b || !s.a));
    const boxes = (i: number): [number, number, number, number][] =>
      task === 'multi'
        ? [...(spec[i].a ? [[0, 0, h, size] as [number, number, number, number]] : []), ...(spec[i].b ? [[h, 0, size, h] as [number, number, number, number]] : [])]
        : [[spec[i].x, spec[i].y, spec[i].x + 5, spec[i].y + 5]];
    const x = tf.tensor4d(boxImages(count, size, rand, boxes), [count, size, size, 3]);
    if (task === 'multi')
      return {
        x,
        y: tf.tensor2d(
          spec.flatMap((s) => [+s.a, +s.b]),
          [count, 2],
        ),
      };
    if (task === 'points')
      return {
        x,
        y: tf.tensor2d(
          spec.flatMap((s) => [((s.x + 2.5) / size) * 2 - 1, ((s.y + 2.5) / size) * 2 - 1]),
          [count, 2],
        ),
      };
    const mask = new Int32Array(count * size * size);
    spec.forEach((s, i) => {
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) mask[(i * size + y) * size + x] = y === 0 ? 2 : x >= s.x && x < s.x + 5 && y >= s.y && y < s.y + 5 ? 1 : 0;
    });
    return { x, y: tf.tensor3d(mask, [count, size, size], 'int32') };
  };
  const train = make(n);
  const valid = make(n / 2);
  const classes = task === 'multi' ? ['left', 'top'] : task === 'segmentation' ? ['Background', 'Square', 'Void'] : [];
  const dls = arrayLoaders(train, valid, task, batchSize, { classes, voidIndex: task === 'segmentation' ? 2 : -1, seed });
  tf.dispose([train.x, train.y, valid.x, valid.y]);
  return dls;
}
