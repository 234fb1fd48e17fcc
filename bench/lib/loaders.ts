import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, DataLoaders } from '../../src/core/data/batch';
import { IMAGENET_STATS } from '../../src/core/transforms/augment';

/**
 * A loader that yields the same pre-made batch `batchCount` times. Each yield is a `tf.clone`
 * (it shares the data, so it costs nothing), because the Learner disposes every batch it gets.
 */
export function repeatLoader(batch: Batch, batchCount: number): DataLoader {
  return {
    count: batch.x.shape[0] * batchCount,
    batchCount,
    batchSize: batch.x.shape[0],
    async *batches(): AsyncGenerator<Batch> {
      for (let b = 0; b < batchCount; b++) yield { x: tf.clone(batch.x), y: tf.clone(batch.y) };
    },
  };
}

/**
 * Single-label DataLoaders over one pre-made batch: `trainBatches` training batches and
 * `validBatches` validation batches (0 skips validation's cost entirely). The caller keeps
 * ownership of `batch`.
 */
export function repeatLoaders(batch: Batch, numClasses: number, trainBatches: number, validBatches = 0): DataLoaders {
  return {
    task: 'single',
    classes: Array.from({ length: numClasses }, (_, i) => String(i)),
    voidIndex: -1,
    height: batch.x.shape[1],
    width: batch.x.shape[2],
    stats: IMAGENET_STATS,
    train: repeatLoader(batch, trainBatches),
    valid: repeatLoader(batch, validBatches),
  };
}

/**
 * The first `n` full batches of a loader's epochs 0, 1, 2, ... in a row, as one epoch: a fixed
 * amount of work (`n * batchSize` images) whatever the dataset's size. Partial batches are skipped.
 */
export function cycleBatches(loader: DataLoader, n: number): DataLoader {
  return {
    count: n * loader.batchSize,
    batchCount: n,
    batchSize: loader.batchSize,
    async *batches(epoch: number): AsyncGenerator<Batch> {
      let left = n;
      for (let e = epoch * n; left > 0; e++) {
        for await (const batch of loader.batches(e)) {
          if (batch.x.shape[0] < loader.batchSize) {
            tf.dispose([batch.x, batch.y]);
            continue;
          }
          yield batch;
          if (--left === 0) return;
        }
      }
    },
  };
}

/** A random normalized image batch `[batch, size, size, 3]` with int32 labels `i % numClasses`, seeded. */
export function syntheticBatch(batch: number, size: number, numClasses: number, seed = 2): Batch {
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % numClasses),
    'int32',
  );
  return { x, y };
}
