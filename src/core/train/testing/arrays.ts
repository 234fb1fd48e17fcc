import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, DataLoaders } from '../../data/batch';
import type { Stats, Task } from '../../data/types';
import { seededRandom } from '../../tf/backend';

/** Options of `arrayLoaders`. */
export interface ArrayLoaderOptions {
  readonly classes?: readonly string[];
  readonly voidIndex?: number;
  readonly seed?: number;
  readonly stats?: Stats;
}

/**
 * DataLoaders over in-memory tensors, for tests: training batches are shuffled with a seed
 * that depends on the epoch, validation batches come in order. The loaders keep their own
 * copies of the tensors; `dispose()` frees them.
 */
export function arrayLoaders(
  train: { x: tf.Tensor4D; y: tf.Tensor },
  valid: { x: tf.Tensor4D; y: tf.Tensor },
  task: Task,
  batchSize: number,
  opts: ArrayLoaderOptions = {},
): DataLoaders & { dispose(): void } {
  const keep = [train.x, train.y, valid.x, valid.y].map((t) => tf.keep(t.clone()));
  const zero: Stats = { mean: [0, 0, 0], std: [1, 1, 1] };
  return {
    task,
    classes: opts.classes ?? [],
    voidIndex: opts.voidIndex ?? -1,
    size: train.x.shape[1],
    stats: opts.stats ?? zero,
    train: arrayLoader(keep[0] as tf.Tensor4D, keep[1], batchSize, opts.seed ?? 1),
    valid: arrayLoader(keep[2] as tf.Tensor4D, keep[3], batchSize, null),
    dispose: () => tf.dispose(keep),
  };
}

function arrayLoader(x: tf.Tensor4D, y: tf.Tensor, batchSize: number, seed: number | null): DataLoader {
  const count = x.shape[0];
  const batchCount = Math.ceil(count / batchSize);
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
