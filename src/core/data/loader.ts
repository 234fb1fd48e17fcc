import * as tf from '@tensorflow/tfjs';
import { augmentBatch, normalizeBatch } from '../transforms/augment';
import type { Batch, DataLoader } from './batch';
import type { BlockItem } from './decode';
import { makeExample } from './examples';
import { preparedBatches } from './offThread';
import { loadAll, type PixelSource } from './pixels';
import { backendRunsAhead } from './prefetch';
import type { BatchPreparer } from './preparePool';
import { makeRng, shuffled } from './random';
import type { Example, Stats, Task, TransformSpec } from './types';

/** Everything a loader needs besides the items. */
export interface LoaderOptions {
  readonly task: Task;
  readonly numClasses: number;
  readonly transforms: TransformSpec;
  readonly batchSize: number;
  readonly seed: number;
  readonly stats: Stats;
  /** Training loaders shuffle, crop at random and augment; validation loaders do none of it. */
  readonly train: boolean;
  /**
   * Workers that prepare training batches off this thread. Used on wasm and CPU only, whose
   * kernels run on this thread; GPU backends augment on the device, overlapped by prefetching.
   */
  readonly preparer?: BatchPreparer;
}

/**
 * Makes a loader over a block's items, whose pixels come from `pixels`. The order and the
 * augmentation of epoch `e` depend only on `seed` and `e`, so a run can be repeated exactly.
 * The last partial training batch is dropped when it would hold a single item, because batch
 * norm cannot train on one. A streamed picture that fails to decode is left out of its batch.
 * With `opts.preparer` on wasm or CPU, training batches are made by its workers, ahead.
 */
export function makeLoader(entries: readonly BlockItem[], pixels: PixelSource, opts: LoaderOptions): DataLoader {
  const full = Math.floor(entries.length / opts.batchSize);
  const rest = entries.length % opts.batchSize;
  const batchCount = full + (rest > (opts.train ? 1 : 0) ? 1 : 0);
  return {
    count: entries.length,
    batchCount,
    batchSize: opts.batchSize,
    async *batches(epoch: number): AsyncGenerator<Batch> {
      const rng = makeRng(opts.seed * 1_000_003 + epoch);
      const order = opts.train ? shuffled(entries, rng) : entries;
      if (opts.train && opts.preparer && !backendRunsAhead()) {
        yield* preparedBatches(order, pixels, opts, rng, batchCount, opts.preparer);
        return;
      }
      const load = (b: number) => loadAll(pixels, order.slice(b * opts.batchSize, (b + 1) * opts.batchSize));
      let next = batchCount > 0 ? load(0) : null;
      for (let b = 0; b < batchCount; b++) {
        const decoded = await next!;
        // Ask for the next batch's pictures now: a streamed source decodes them (off this
        // thread, in a browser) while this batch trains; kept pixels answer at once.
        next = b + 1 < batchCount ? load(b + 1) : null;
        if (decoded.length === 0) continue;
        const examples = decoded.map((d) => makeExample(d, opts.transforms, opts.task, opts.numClasses, opts.train ? rng : null));
        yield collate(examples, opts, opts.train ? rng : null);
        // Let the event loop breathe between batches so a page or worker stays responsive.
        await Promise.resolve();
      }
    },
  };
}

/** Stacks examples into tensors, augments a training batch, then normalizes. */
export function collate(examples: readonly Example[], opts: LoaderOptions, rng: (() => number) | null): Batch {
  const { task, numClasses } = opts;
  const { height, width } = examples[0];
  const n = examples.length;
  // A validation batch is normalized right here, byte by byte through a table; a training
  // batch goes to 0..1 first, because augmentation (lighting's logit) works on that scale.
  const table = byteTable(rng ? null : opts.stats);
  const pixels = new Float32Array(n * height * width * 3);
  let o = 0;
  for (const e of examples) {
    const src = e.pixels;
    for (let j = 0; j < src.length; j += 3) {
      pixels[o++] = table[src[j]];
      pixels[o++] = table[256 + src[j + 1]];
      pixels[o++] = table[512 + src[j + 2]];
    }
  }
  const x0 = tf.tensor4d(pixels, [n, height, width, 3]);
  const y0 = targetTensor(examples, task, numClasses, height, width);
  if (!rng) return { x: x0, y: y0 };
  const augmented = augmentBatch({ x: x0, masks: task === 'segmentation' ? (y0 as tf.Tensor3D) : undefined, points: task === 'points' ? (y0 as tf.Tensor2D) : undefined }, opts.transforms, rng);
  const y = augmented.masks ?? augmented.points ?? y0;
  const x = normalizeBatch(augmented.x, opts.stats);
  tf.dispose([x0, augmented.x]);
  if (y !== y0) y0.dispose();
  return { x, y };
}

/** Each byte value per channel on the model's scale: `(v / 255 - mean) / std`, or `v / 255` without stats. */
function byteTable(stats: Stats | null): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = stats ? (v / 255 - stats.mean[c]) / stats.std[c] : v / 255;
  }
  return table;
}

function targetTensor(examples: readonly Example[], task: Task, numClasses: number, height: number, width: number): tf.Tensor {
  const n = examples.length;
  switch (task) {
    case 'single':
      return tf.tensor1d(
        examples.map((e) => (e.target as readonly number[])[0]),
        'int32',
      );
    case 'multi':
      return tf.tensor2d(concat(examples, numClasses, Float32Array), [n, numClasses], 'float32');
    case 'segmentation':
      return tf.tensor3d(concat(examples, height * width, Int32Array), [n, height, width], 'int32');
    case 'points':
      return tf.tensor2d(concat(examples, 2, Float32Array), [n, 2], 'float32');
  }
}

function concat<T extends Float32Array | Int32Array>(examples: readonly Example[], width: number, Kind: new (n: number) => T): T {
  const out = new Kind(examples.length * width);
  examples.forEach((e, i) => out.set(Array.from(e.target as ArrayLike<number>), i * width));
  return out;
}
