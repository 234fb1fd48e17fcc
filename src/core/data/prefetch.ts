import * as tf from '@tensorflow/tfjs';
import type { Batch } from './batch';

/** Batches one at a time, with the option to start making the next one early. */
export interface BatchStream {
  /** The next batch (the one started by `ahead` if any), or null at the end. */
  next(): Promise<Batch | null>;
  /** Starts making the next batch now; a second call before `next` does nothing. */
  ahead(): void;
  /** Ends the stream: a batch made ahead and never taken is disposed, the source is closed. */
  close(): Promise<void>;
}

/**
 * Wraps a loader's batches so the training loop can ask for batch b+1 while batch b's step
 * still runs on the GPU: on WebGL and WebGPU the step's kernels run asynchronously, so the CPU
 * work of the next batch (crop, resize, stacking, queuing its augmentation) overlaps them
 * instead of following them. On wasm and CPU the kernels run on the same thread; there it
 * would only move the data's time into the step's, so the learner does not ask.
 */
export function batchStream(source: AsyncIterable<Batch>): BatchStream {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<Batch>> | null = null;
  return {
    async next() {
      const result = await (pending ?? it.next());
      pending = null;
      return result.done ? null : result.value;
    },
    ahead() {
      pending ??= it.next();
    },
    async close() {
      if (pending) {
        const left = await pending.catch(() => null);
        pending = null;
        if (left && !left.done) tf.dispose([left.value.x, left.value.y]);
      }
      await it.return?.(undefined);
    },
  };
}

/** Whether the active backend runs kernels asynchronously (a GPU), so prefetching overlaps work. */
export function backendRunsAhead(): boolean {
  return tf.getBackend() === 'webgl' || tf.getBackend() === 'webgpu';
}
