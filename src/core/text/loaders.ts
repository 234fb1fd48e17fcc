/**
 * Batches of numericalised texts, as fastai's `LMDataLoader` (language model) and `SortedDL` +
 * `pad_input` (classifier). Each loader yields tf tensors that the consumer owns and disposes;
 * the plain-array `...Arrays` functions beside them hold the logic and are what the tests read.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng, shuffled } from '../data/random';

/** One batch of token ids. The consumer disposes `x` and `y`. */
export interface TextBatch {
  /** int32 `[B, T]` token ids. */
  readonly x: tf.Tensor2D;
  /** int32 `[B, T]` next tokens (language model), `[B]` class ids (classifier) or float32 `[B, C]` multi-hot tags (multi-label classifier). */
  readonly y: tf.Tensor;
  /** Which item each row came from (classifier), for predictions in item order; empty for the language model. */
  readonly indices: readonly number[];
}

/** Batches of one split in a seeded order that changes with the epoch (the shape of the image `DataLoader`). */
export interface TextLoader {
  /** Items (classifier) or streams' tokens in all (language model). */
  readonly count: number;
  readonly batchCount: number;
  readonly batchSize: number;
  batches(epoch: number): AsyncGenerator<TextBatch>;
}

/** Plain arrays of one batch: `x` and `y` row-major. */
export interface BatchArrays {
  readonly x: Int32Array;
  /** Token or class ids; multi-hot rows `[B, C]` (a Float32Array) for a multi-label classifier. */
  readonly y: Int32Array | Float32Array;
  /** `[B, T]` of `x`. */
  readonly shape: readonly [number, number];
  readonly indices: readonly number[];
}

/** Options of `lmLoader`; defaults are fastai's `LMDataLoader` (bs 64, seq_len 72). */
export interface LmLoaderOptions {
  readonly bs?: number;
  readonly seqLen?: number;
  /** Shuffle the texts' order each epoch (training); validation keeps it. */
  readonly shuffle?: boolean;
  readonly seed?: number;
}

/** Texts in the epoch's order, one after another (`xxbos` of each text marks the joins). */
function concatInOrder(texts: readonly Int32Array[], order: readonly number[]): Int32Array {
  const total = order.reduce((n, i) => n + texts[i].length, 0);
  const out = new Int32Array(total);
  let at = 0;
  for (const i of order) {
    out.set(texts[i], at);
    at += texts[i].length;
  }
  return out;
}

/**
 * How the language model's corpus splits: `bs` streams of `streamLen` tokens each (the last
 * token of a stream is only a target), read `seqLen` at a time; the last batch may be shorter.
 * fastai: corpus = round_down(N - 1, bs); bl = corpus / bs; batches = ceil(bl / seq_len).
 */
export function lmLayout(totalTokens: number, bs: number, seqLen: number): { streamLen: number; batchCount: number } {
  const streamLen = Math.floor((totalTokens - 1) / bs);
  return { streamLen, batchCount: streamLen > 0 ? Math.ceil(streamLen / seqLen) : 0 };
}

/**
 * Every language-model batch of one epoch as plain arrays: the texts in a seeded order (shuffled
 * for training), joined into one stream, cut into `bs` contiguous streams. Row j of batch i is
 * tokens [j*L + i*seqLen, ...) of the joined text, so row j of batch i+1 continues row j of batch
 * i (the LSTM's state carries over between batches); `y` is `x` shifted one token left.
 */
export function lmBatchArrays(texts: readonly Int32Array[], epoch: number, opts: LmLoaderOptions = {}): BatchArrays[] {
  const { bs = 64, seqLen = 72, shuffle = false, seed = 0 } = opts;
  const ids = texts.map((_, i) => i);
  const order = shuffle ? shuffled(ids, makeRng(seed * 1000003 + epoch)) : ids;
  const corpus = concatInOrder(texts, order);
  const { streamLen, batchCount } = lmLayout(corpus.length, bs, seqLen);
  const out: BatchArrays[] = [];
  for (let b = 0; b < batchCount; b++) {
    const start = b * seqLen;
    const len = Math.min(seqLen, streamLen - start);
    const x = new Int32Array(bs * len);
    const y = new Int32Array(bs * len);
    for (let j = 0; j < bs; j++) {
      const from = j * streamLen + start;
      x.set(corpus.subarray(from, from + len), j * len);
      y.set(corpus.subarray(from + 1, from + 1 + len), j * len);
    }
    out.push({ x, y, shape: [bs, len], indices: [] });
  }
  return out;
}

/**
 * fastai's `LMDataLoader`: contiguous streams with a BPTT window, target = input shifted by one.
 * @example const dl = lmLoader(ids, { bs: 16, seqLen: 32, shuffle: true, seed: 1 });
 */
export function lmLoader(texts: readonly Int32Array[], opts: LmLoaderOptions = {}): TextLoader {
  const bs = opts.bs ?? 64;
  const total = texts.reduce((n, t) => n + t.length, 0);
  const { streamLen, batchCount } = lmLayout(total, bs, opts.seqLen ?? 72);
  if (batchCount === 0) throw new Error(`The texts hold ${total} tokens, too few for ${bs} streams; lower the batch size.`);
  return {
    count: streamLen * bs,
    batchCount,
    batchSize: bs,
    async *batches(epoch: number) {
      for (const b of lmBatchArrays(texts, epoch, opts)) yield toTensors(b, [b.shape[0], b.shape[1]]);
    },
  };
}

/** Options of `classifierLoader`. */
export interface ClassifierLoaderOptions {
  readonly bs?: number;
  /** Training order: sorted by length within random chunks, batches shuffled (fastai's `SortedDL(shuffle=True)`). */
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly padIdx?: number;
  /** Pad at the start of each row (fastai's default), so every text ends at the last time step. */
  readonly padFirst?: boolean;
  /** Texts longer than this keep their first `maxLen` tokens (the browser cannot run fastai's 1,440). */
  readonly maxLen?: number;
  /** Number of tags, when the labels are tag lists (multi-label): `y` is multi-hot `[B, numClasses]`. */
  readonly numClasses?: number;
}

/** A text's class id, or its tag ids (multi-label). */
export type TextTarget = number | readonly number[];

/** Row-major targets of `idx`: class ids, or multi-hot rows of `numClasses` for tag lists. */
function targetArray(labels: readonly TextTarget[], idx: readonly number[], numClasses: number | undefined): Int32Array | Float32Array {
  if (numClasses === undefined) return Int32Array.from(idx, (i) => labels[i] as number);
  const y = new Float32Array(idx.length * numClasses);
  idx.forEach((item, row) => {
    for (const c of labels[item] as readonly number[]) y[row * numClasses + c] = 1;
  });
  return y;
}

/**
 * The order of items for one epoch. Validation: longest first. Training, as fastai's `SortedDL`:
 * shuffle, sort by length (longest first) within chunks of 50 batches, cut into batches, put the
 * batch holding the longest text first (so a memory problem shows at once) and shuffle the others.
 */
export function sortedOrder(lengths: readonly number[], bs: number, shuffle: boolean, rng: () => number): number[][] {
  const byLength = (a: number, b: number) => lengths[b] - lengths[a] || a - b;
  const ids = lengths.map((_, i) => i);
  if (!shuffle) return chunk(ids.sort(byLength), bs);
  const perm = shuffled(ids, rng);
  // Equal lengths keep their shuffled order (Array.sort is stable): broken by index, texts cut to
  // `maxLen` would line up by label (items come grouped by class) and make one-class batches.
  const sorted = chunk(perm, bs * 50).flatMap((c) => c.sort((a, b) => lengths[b] - lengths[a]));
  const batches = chunk(sorted, bs);
  let longest = 0;
  batches.forEach((b, i) => {
    if (lengths[b[0]] > lengths[batches[longest][0]]) longest = i;
  });
  const first = batches[longest];
  return [
    first,
    ...shuffled(
      batches.filter((_, i) => i !== longest),
      rng,
    ),
  ];
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Rows padded to the batch's longest text with `padIdx`, at the start (fastai's `pad_first=True`)
 * or the end. fastai's `pad_input_chunk` puts whole `seq_len` chunks of padding first and the rest
 * last, because its encoder reads a text in `seq_len` chunks; this encoder reads the whole row at
 * once, so all the padding goes to one side.
 */
export function padBatch(texts: readonly Int32Array[], padIdx: number, padFirst: boolean): { x: Int32Array; width: number } {
  const width = Math.max(1, ...texts.map((t) => t.length));
  const x = new Int32Array(texts.length * width).fill(padIdx);
  texts.forEach((t, i) => x.set(t, i * width + (padFirst ? width - t.length : 0)));
  return { x, width };
}

/** Every classifier batch of one epoch as plain arrays. */
export function classifierBatchArrays(texts: readonly Int32Array[], labels: readonly TextTarget[], epoch: number, opts: ClassifierLoaderOptions = {}): BatchArrays[] {
  const { bs = 64, shuffle = false, seed = 0, padIdx = 1, padFirst = true, maxLen = Infinity } = opts;
  const cut = texts.map((t) => (t.length > maxLen ? t.subarray(0, maxLen) : t));
  const order = sortedOrder(
    cut.map((t) => t.length),
    bs,
    shuffle,
    makeRng(seed * 1000003 + epoch),
  );
  return order.map((idx) => {
    const { x, width } = padBatch(
      idx.map((i) => cut[i]),
      padIdx,
      padFirst,
    );
    return { x, y: targetArray(labels, idx, opts.numClasses), shape: [idx.length, width] as const, indices: idx };
  });
}

/**
 * fastai's classifier loader: texts sorted by length (with randomness for training), padded with
 * `xxpad`, labels as int32 class ids, or tag lists as float32 multi-hot rows (`numClasses` set).
 * @example const dl = classifierLoader(ids, labels, { bs: 32, shuffle: true, seed: 1, padIdx: vocab.padIdx });
 */
export function classifierLoader(texts: readonly Int32Array[], labels: readonly TextTarget[], opts: ClassifierLoaderOptions = {}): TextLoader {
  if (texts.length !== labels.length) throw new Error(`${texts.length} texts but ${labels.length} labels`);
  if (labels.some((l) => typeof l !== 'number') !== (opts.numClasses !== undefined)) throw new Error('Tag lists (multi-label) need numClasses, and class ids must not have it');
  const bs = opts.bs ?? 64;
  return {
    count: texts.length,
    batchCount: Math.ceil(texts.length / bs),
    batchSize: bs,
    async *batches(epoch: number) {
      for (const b of classifierBatchArrays(texts, labels, epoch, opts)) yield toTensors(b, opts.numClasses === undefined ? [b.shape[0]] : [b.shape[0], opts.numClasses]);
    },
  };
}

function toTensors(b: BatchArrays, yShape: number[]): TextBatch {
  return { x: tf.tensor2d(b.x, [b.shape[0], b.shape[1]], 'int32'), y: tf.tensor(b.y, yShape, b.y instanceof Float32Array ? 'float32' : 'int32'), indices: b.indices };
}
