import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../tf/backend';
import type { Batch, DataLoader, DataLoaders } from './batch';
import type { Stats, Task } from './types';

/** Options of `tensorLoaders`. */
export interface TensorLoaderOptions {
  readonly classes?: readonly string[];
  readonly voidIndex?: number;
  readonly seed?: number;
  readonly stats?: Stats;
  /** The pictures' sides in pixels, when `x` is not pictures (cached features); default `x`'s. */
  readonly height?: number;
  readonly width?: number;
}

/**
 * DataLoaders over in-memory tensors (the frozen fast path's cached features, and tests):
 * training batches are shuffled with a seed that depends on the epoch, validation batches come
 * in order. As the picture loaders, a last training batch of a single item is dropped, because
 * batch norm cannot train on one. The loaders keep their own copies; `dispose()` frees them.
 */
export function tensorLoaders(train: { x: tf.Tensor4D; y: tf.Tensor }, valid: { x: tf.Tensor4D; y: tf.Tensor }, task: Task, batchSize: number, opts: TensorLoaderOptions = {}): DataLoaders & { dispose(): void } {
  const keep = [train.x, train.y, valid.x, valid.y].map((t) => tf.keep(t.clone()));
  const zero: Stats = { mean: [0, 0, 0], std: [1, 1, 1] };
  return {
    task,
    classes: opts.classes ?? [],
    voidIndex: opts.voidIndex ?? -1,
    height: opts.height ?? train.x.shape[1],
    width: opts.width ?? train.x.shape[2],
    stats: opts.stats ?? zero,
    train: tensorLoader(keep[0] as tf.Tensor4D, keep[1], batchSize, opts.seed ?? 1),
    valid: tensorLoader(keep[2] as tf.Tensor4D, keep[3], batchSize, null),
    dispose: () => tf.dispose(keep),
  };
}

function tensorLoader(x: tf.Tensor4D, y: tf.Tensor, batchSize: number, seed: number | null): DataLoader {
  const count = x.shape[0];
  const rest = count % batchSize;
  const batchCount = Math.floor(count / batchSize) + (rest > (seed !== null ? 1 : 0) ? 1 : 0);
  return {
    count,
    batchCount,
    batchSize,
    async *batches(epoch: number): AsyncGenerator<Batch> {
      const order = Array.from({ length: count }, (_, i) => i);
      if (seed !== null) shuffle(order, seededRandom(seed * 1000 + epoch));
      for (let b = 0; b < batchCount; b++) {
        const idx = tf.tensor1d(order.slice(b * batchSize, (b + 1) * batchSize), 'int32');
        const batch = { x: tf.gather(x, idx) as tf.Tensor4D, y: tf.gather(y, idx) };
        idx.dispose();
        yield batch;
      }
    },
  };
}

function shuffle(a: number[], rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}
