import type * as tf from '@tensorflow/tfjs';
import type { Stats, Task } from './types';

/**
 * One collated batch. The consumer owns the tensors and disposes them.
 * - `x`: float32 `[B, H, W, 3]`, normalized.
 * - `y`: int32 `[B]` class ids (single), float32 `[B, C]` multi-hot (multi),
 *   int32 `[B, H, W]` class ids (segmentation), float32 `[B, 2]` points in [-1, 1] (points).
 */
export interface Batch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor;
}

/** Batches of one split, in a seeded order that changes with the epoch. */
export interface DataLoader {
  /** Number of examples. */
  readonly count: number;
  /** Number of batches per epoch. */
  readonly batchCount: number;
  readonly batchSize: number;
  /** Yields every batch of an epoch; shuffled and augmented for training, in order for validation. */
  batches(epoch: number): AsyncGenerator<Batch>;
}

/** Training and validation loaders plus what a model needs to know about the data. */
export interface DataLoaders {
  readonly task: Task;
  /** Class names (single/multi), codes (segmentation), or empty (points). */
  readonly classes: readonly string[];
  /** Index of the void code in `classes`, for segmentation metrics; -1 when there is none. */
  readonly voidIndex: number;
  /** Height and width of the images in pixels. */
  readonly height: number;
  readonly width: number;
  readonly stats: Stats;
  readonly train: DataLoader;
  readonly valid: DataLoader;
}
