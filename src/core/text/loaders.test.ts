import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../data/random';
import { classifierBatchArrays, classifierLoader, lmBatchArrays, lmLayout, lmLoader, padBatch, sortedOrder } from './loaders';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Texts whose tokens are consecutive numbers, so a stream's order is easy to check. */
function countingTexts(lengths: readonly number[]): Int32Array[] {
  let next = 0;
  return lengths.map((n) => Int32Array.from({ length: n }, () => next++));
}

describe('language-model loader', () => {
  const texts = countingTexts([7, 13, 5, 21, 9, 11, 30, 4]); // 100 tokens
  const opts = { bs: 4, seqLen: 6 };

  it('lays out bs streams of (N - 1) / bs tokens, seqLen at a time', () => {
    expect(lmLayout(100, 4, 6)).toEqual({ streamLen: 24, batchCount: 4 });
    const batches = lmBatchArrays(texts, 0, opts);
    expect(batches.map((b) => b.shape)).toEqual([
      [4, 6],
      [4, 6],
      [4, 6],
      [4, 6],
    ]);
    expect(lmLayout(101, 4, 7)).toEqual({ streamLen: 25, batchCount: 4 }); // last batch 4 long
    expect(lmBatchArrays(countingTexts([101]), 0, { bs: 4, seqLen: 7 }).at(-1)!.shape).toEqual([4, 4]);
  });

  it('targets are the inputs shifted by one token', () => {
    for (const b of lmBatchArrays(texts, 0, opts)) {
      const [rows, len] = b.shape;
      for (let r = 0; r < rows; r++) for (let t = 0; t < len; t++) expect(b.y[r * len + t]).toBe(b.x[r * len + t] + 1);
    }
  });

  it('row j of each batch continues row j of the batch before (contiguous streams)', () => {
    const batches = lmBatchArrays(texts, 0, opts);
    for (let r = 0; r < 4; r++) {
      const stream = batches.flatMap((b) => Array.from(b.x.subarray(r * b.shape[1], (r + 1) * b.shape[1])));
      expect(stream).toEqual(Array.from({ length: 24 }, (_, i) => r * 24 + i));
    }
  });

  it('shuffles the order of texts per epoch and seed, keeping each text whole', () => {
    const a = lmBatchArrays(texts, 0, { ...opts, shuffle: true, seed: 3 });
    const b = lmBatchArrays(texts, 1, { ...opts, shuffle: true, seed: 3 });
    const again = lmBatchArrays(texts, 0, { ...opts, shuffle: true, seed: 3 });
    expect(Array.from(a[0].x)).toEqual(Array.from(again[0].x));
    expect(Array.from(a[0].x)).not.toEqual(Array.from(b[0].x));
    // Inside a stream, consecutive tokens still step by one except at the joins between texts.
    const row0 = a.flatMap((batch) => Array.from(batch.x.subarray(0, batch.shape[1])));
    const joins = row0.slice(1).filter((v, i) => v !== row0[i] + 1).length;
    expect(joins).toBeLessThanOrEqual(texts.length);
  });

  it('yields int32 tensors the consumer disposes', async () => {
    const before = tf.memory().numTensors;
    const dl = lmLoader(texts, opts);
    expect(dl.batchCount).toBe(4);
    for await (const { x, y } of dl.batches(0)) {
      expect(x.dtype).toBe('int32');
      expect(y.shape).toEqual(x.shape);
      tf.dispose([x, y]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => lmLoader(countingTexts([3]), { bs: 4 })).toThrow(/too few/);
  });
});

describe('classifier loader', () => {
  const lengths = [5, 40, 12, 3, 25, 8, 17, 30, 2, 9, 14, 22];
  const texts = countingTexts(lengths);
  const labels = lengths.map((n) => n % 2);

  it('pads with xxpad at the front (fastai default) or the end', () => {
    const { x, width } = padBatch([Int32Array.of(7, 8, 9), Int32Array.of(5)], 1, true);
    expect(width).toBe(3);
    expect(Array.from(x)).toEqual([7, 8, 9, 1, 1, 5]);
    expect(Array.from(padBatch([Int32Array.of(7, 8, 9), Int32Array.of(5)], 1, false).x)).toEqual([7, 8, 9, 5, 1, 1]);
  });

  it('validation batches are sorted longest first', () => {
    const batches = classifierBatchArrays(texts, labels, 0, { bs: 4 });
    const order = batches.flatMap((b) => b.indices);
    expect(order.map((i) => lengths[i])).toEqual([...lengths].sort((a, b) => b - a));
    expect(batches[0].shape).toEqual([4, 40]);
    expect(Array.from(batches[0].y)).toEqual(batches[0].indices.map((i) => labels[i]));
  });

  it('training order is SortedDL-like: longest batch first, every item once, batches sorted inside, order varies by epoch', () => {
    const many = Array.from({ length: 500 }, (_, i) => (i * 37) % 101);
    const a = sortedOrder(many, 8, true, makeRng(1));
    const b = sortedOrder(many, 8, true, makeRng(2));
    expect(a.flat().sort((p, q) => p - q)).toEqual(many.map((_, i) => i));
    expect(many[a[0][0]]).toBe(Math.max(...many));
    for (const batch of a) for (let i = 1; i < batch.length; i++) expect(many[batch[i - 1]]).toBeGreaterThanOrEqual(many[batch[i]]);
    expect(a.flat()).not.toEqual(b.flat());
    // Sorting within chunks keeps padding low: each batch's lengths span little of the range.
    const spread = a.reduce((s, batch) => s + many[batch[0]] - many[batch[batch.length - 1]], 0) / a.length;
    expect(spread).toBeLessThan(10);
  });

  it('mixes texts of equal length (all cut to maxLen) across batches, whatever their order', () => {
    const same = Array.from({ length: 64 }, () => 10);
    const batches = sortedOrder(same, 8, true, makeRng(5));
    // Items 0-31 and 32-63 stand for two classes listed one after the other: no batch may hold one class only.
    expect(batches.every((b) => b.some((i) => i < 32) && b.some((i) => i >= 32))).toBe(true);
  });

  it('truncates to maxLen and yields int32 tensors with item indices', async () => {
    const dl = classifierLoader(texts, labels, { bs: 5, maxLen: 10, shuffle: true, seed: 4 });
    expect(dl.batchCount).toBe(3);
    const seen: number[] = [];
    for await (const { x, y, indices } of dl.batches(0)) {
      expect(x.shape[1]).toBeLessThanOrEqual(10);
      expect(y.dtype).toBe('int32');
      seen.push(...indices);
      tf.dispose([x, y]);
    }
    expect(seen.sort((p, q) => p - q)).toEqual(lengths.map((_, i) => i));
    expect(() => classifierLoader(texts, [0], {})).toThrow(/labels/);
  });
});
