/**
 * The training loader's path on wasm and CPU with a `BatchPreparer`: this thread only loads the
 * pictures, draws every random choice (in the order `collate` draws them) and turns finished
 * arrays into tensors; the workers crop, resize, augment and normalize, `size + 1` batches ahead.
 * On wasm and CPU the kernels share this thread, so the in-thread path's preparation would sit
 * between the steps; here it runs on other cores during them.
 */
import * as tf from '@tensorflow/tfjs';
import { drawAugment } from '../transforms/augment';
import { isIdentity } from '../transforms/matrix';
import { resizeGeometry } from '../transforms/resize';
import type { Batch } from './batch';
import type { BlockItem, DecodedItem } from './decode';
import { targetOf } from './examples';
import type { LoaderOptions } from './loader';
import { loadAll, type PixelSource } from './pixels';
import type { PrepareItem, PrepareJob, PreparedBatch } from './prepare';
import type { BatchPreparer } from './preparePool';
import type { Rng } from './random';
import { sidesOf } from './sizeSpec';

/** A batch in the making: the workers' promise, and the targets this thread made itself. */
interface InFlight {
  readonly prepared: Promise<PreparedBatch>;
  /** Class ids or multi-hot rows (single, multi); the workers move masks and points. */
  readonly targets: readonly (readonly number[] | Float32Array)[];
}

/**
 * Training batches of `order` made by `preparer`. Batch b's choices are drawn from `rng` after
 * batch b-1's, whatever order the pictures arrive in, so the batches equal the in-thread path's
 * for the same seed and epoch (up to float rounding in the lighting).
 */
export async function* preparedBatches(order: readonly BlockItem[], pixels: PixelSource, opts: LoaderOptions, rng: Rng, batchCount: number, preparer: BatchPreparer): AsyncGenerator<Batch> {
  const depth = preparer.size + 1;
  const queue: Promise<InFlight | null>[] = [];
  // Draws happen in a chain so batch b+1 never draws before batch b, even when its pictures
  // (streamed) finish decoding first.
  let chain: Promise<unknown> = Promise.resolve();
  let dispatched = 0;
  const dispatch = () => {
    const b = dispatched++;
    const made = chain.then(async () => {
      const decoded = await loadAll(pixels, order.slice(b * opts.batchSize, (b + 1) * opts.batchSize));
      return decoded.length === 0 ? null : startJob(decoded, opts, rng, preparer);
    });
    chain = made.catch(() => undefined);
    queue.push(made);
  };
  try {
    while (dispatched < Math.min(depth, batchCount)) dispatch();
    for (let b = 0; b < batchCount; b++) {
      const flight = await queue.shift()!;
      if (dispatched < batchCount) dispatch();
      if (!flight) continue;
      yield toBatch(await flight.prepared, flight.targets, opts);
    }
  } finally {
    // Batches still in the making when the loop stops early are dropped (plain arrays, no tensors).
    for (const left of queue) left.then((f) => f?.prepared.catch(() => undefined)).catch(() => undefined);
  }
}

/** Draws a batch's crops and augmentation on this thread and sends the pictures to be prepared. */
function startJob(decoded: readonly DecodedItem[], opts: LoaderOptions, rng: Rng, preparer: BatchPreparer): InFlight {
  const t = opts.transforms;
  // The crops first, picture by picture, then the matrices and the lighting: `makeExample`'s
  // and `augmentBatch`'s order of draws.
  const geometries = decoded.map((d) => resizeGeometry(d.image.width, d.image.height, t.size, t.resize, rng));
  const { height, width } = sidesOf(t.size);
  const { mats, lighting } = drawAugment(t, decoded.length, width, height, rng);
  const items: PrepareItem[] = decoded.map((d, i) => ({
    image: ownBuffer(d.image),
    geometry: geometries[i],
    ...(opts.task === 'segmentation' ? { mask: ownBuffer(d.mask!) } : {}),
    ...(opts.task === 'points' ? { point: d.point } : {}),
  }));
  const job: PrepareJob = { items, mats: mats.every((m) => isIdentity(m)) ? null : mats, lighting, stats: opts.stats };
  const labelled = opts.task === 'single' || opts.task === 'multi';
  const targets = labelled ? decoded.map((d, i) => targetOf(d, geometries[i], opts.task, opts.numClasses) as readonly number[] | Float32Array) : [];
  return { prepared: preparer.prepare(job), targets };
}

/**
 * A picture whose pixels fill their own buffer: posting a view copies its whole buffer, so a
 * view into a larger one (a decoder's shared output) is cut out first.
 */
function ownBuffer<T extends { readonly data: Uint8Array | Uint8ClampedArray }>(image: T): T {
  const data = image.data;
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? image : { ...image, data: data.slice() };
}

/** Wraps a prepared batch's arrays as the loader's tensors (a copy into the backend's memory). */
function toBatch(p: PreparedBatch, targets: InFlight['targets'], opts: LoaderOptions): Batch {
  const x = tf.tensor4d(p.x, [p.n, p.height, p.width, 3]);
  switch (opts.task) {
    case 'single':
      return {
        x,
        y: tf.tensor1d(
          targets.map((t) => t[0]),
          'int32',
        ),
      };
    case 'multi': {
      const hot = new Float32Array(p.n * opts.numClasses);
      targets.forEach((t, i) => hot.set(t, i * opts.numClasses));
      return { x, y: tf.tensor2d(hot, [p.n, opts.numClasses], 'float32') };
    }
    case 'segmentation':
      return { x, y: tf.tensor3d(p.masks!, [p.n, p.height, p.width], 'int32') };
    case 'points':
      return { x, y: tf.tensor2d(p.points!, [p.n, 2], 'float32') };
  }
}
