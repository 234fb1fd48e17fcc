import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { buildDataBlock, makeDataLoaders } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { maskFile, memoryFile, pngFile } from './testing/fixtures';
import type { DataBlockSpec, SourceFile } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base: DataBlockSpec = { ...DEFAULT_SPEC, transforms: { ...DEFAULT_TRANSFORMS, size: 8 }, batch: { batchSize: 4, seed: 5 }, split: { kind: 'random', validPct: 0.3, seed: 2 } };

async function firstBatch(spec: DataBlockSpec, files: SourceFile[], which: 'train' | 'valid' = 'train', epoch = 0) {
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  expect(block.ok).toBe(true);
  const loader = makeDataLoaders(block, spec)[which];
  const it = loader.batches(epoch);
  const b = (await it.next()).value!;
  await it.return(undefined);
  const out = { xShape: b.x.shape, yShape: b.y.shape, yDtype: b.y.dtype, x: Array.from(await b.x.data()) as number[], y: Array.from(await b.y.data()) as number[] };
  tf.dispose([b.x, b.y]);
  return { ...out, loader, block };
}

const folderFiles = () => Array.from({ length: 10 }, (_, i) => pngFile(`${i % 2 ? 'a' : 'b'}/${i}.png`, 10, 12, 20 * i));

describe('DataLoaders', () => {
  it('collates single-label batches: x [B,S,S,3] float, y int32 class ids', async () => {
    const r = await firstBatch(base, folderFiles());
    expect(r.xShape).toEqual([4, 8, 8, 3]);
    expect(r.yShape).toEqual([4]);
    expect(r.yDtype).toBe('int32');
    expect(r.y.every((v) => v === 0 || v === 1)).toBe(true);
    expect(r.loader.batchCount).toBe(2); // 7 training items: 4 + 3
  });

  it('normalizes with ImageNet statistics: a grey 128 pixel maps to (0.502 - mean) / std', async () => {
    // Two classes: a single-label block with one class is refused.
    const files = Array.from({ length: 6 }, (_, i) => pngFile(`${i % 2 ? 'x' : 'y'}/${i}.png`, 8, 8, 128));
    const noAug: DataBlockSpec = { ...base, transforms: { ...base.transforms, flip: false, maxRotate: 0, maxZoom: 1, maxLighting: 0, maxWarp: 0 } };
    // Validation batches are normalized while collating, training batches after augmentation: the same numbers.
    for (const which of ['valid', 'train'] as const) {
      const r = await firstBatch(noAug, files, which);
      expect(r.x[0]).toBeCloseTo((128 / 255 - 0.485) / 0.229, 5);
      expect(r.x[1]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
      expect(r.x[2]).toBeCloseTo((128 / 255 - 0.406) / 0.225, 5);
    }
  });

  it('shuffles training batches by seed and epoch, and never shuffles validation', async () => {
    const files = folderFiles();
    const noAug: DataBlockSpec = { ...base, transforms: { ...base.transforms, flip: false, maxRotate: 0, maxZoom: 1, maxLighting: 0, maxWarp: 0 } };
    const e0 = await firstBatch(noAug, files, 'train', 0);
    const e0again = await firstBatch(noAug, files, 'train', 0);
    const e1 = await firstBatch(noAug, files, 'train', 1);
    expect(e0.x).toEqual(e0again.x);
    expect(e0.x).not.toEqual(e1.x);
    expect((await firstBatch(noAug, files, 'valid', 0)).x).toEqual((await firstBatch(noAug, files, 'valid', 3)).x);
  });

  it('collates multi-hot targets', async () => {
    const csv = 'name,tags\n' + Array.from({ length: 8 }, (_, i) => `${i}.png,${i % 2 ? 'a b' : 'c'}`).join('\n');
    const files = [memoryFile('l.csv', csv), ...Array.from({ length: 8 }, (_, i) => pngFile(`${i}.png`))];
    const spec: DataBlockSpec = { ...base, items: { kind: 'csv', csvPath: 'l.csv', fileColumn: 'name' }, label: { kind: 'csvColumn', column: 'tags', separator: ' ' } };
    const r = await firstBatch(spec, files);
    expect(r.yShape).toEqual([4, 3]);
    expect(r.yDtype).toBe('float32');
    const rows = [0, 1, 2, 3].map((i) => r.y.slice(i * 3, i * 3 + 3).join(''));
    expect(rows.every((row) => row === '110' || row === '001')).toBe(true);
  });

  it('collates masks as [B,S,S] int32 and keeps only codes that exist, through augmentation', async () => {
    const files: SourceFile[] = [memoryFile('codes.txt', 'Void\nBackground\nThing')];
    for (let i = 0; i < 8; i++)
      files.push(
        pngFile(`images/${i}.png`, 16, 16),
        maskFile(`labels/${i}_P.png`, 16, 16, (x) => (x < 8 ? 1 : 2)),
      );
    const spec: DataBlockSpec = {
      ...base,
      items: { kind: 'folder', folder: 'images' },
      label: { kind: 'mask', template: 'labels/{name}_P{ext}', codesPath: 'codes.txt' },
      transforms: { ...base.transforms, maxRotate: 30, maxWarp: 0.3 },
    };
    const r = await firstBatch(spec, files);
    expect(r.yShape).toEqual([4, 8, 8]);
    expect(r.yDtype).toBe('int32');
    expect(new Set(r.y).size).toBeGreaterThan(1);
    expect(r.y.every((v) => v >= 0 && v <= 2)).toBe(true);
  });

  it('collates points as [B,2] in [-1, 1]', async () => {
    const csv = 'image,x,y\n' + Array.from({ length: 8 }, (_, i) => `${i}.png,${i + 1},4`).join('\n');
    const files = [memoryFile('p.csv', csv), ...Array.from({ length: 8 }, (_, i) => pngFile(`${i}.png`, 16, 8))];
    const spec: DataBlockSpec = { ...base, items: { kind: 'csv', csvPath: 'p.csv', fileColumn: 'image' }, label: { kind: 'points', xColumn: 'x', yColumn: 'y' }, transforms: { ...base.transforms, resize: 'squish' } };
    const r = await firstBatch(spec, files, 'valid');
    expect(r.yShape).toEqual([r.xShape[0], 2]);
    // squish 16x8 -> 8x8: x halves, y doubles; u = p / size * 2 - 1
    const firstValid = r.block.valid[0].item.label;
    if (firstValid.kind !== 'point') throw new Error('expected a point');
    expect(r.y[0]).toBeCloseTo((firstValid.x / 2 / 8) * 2 - 1, 5);
    expect(r.y[1]).toBeCloseTo(((firstValid.y * 1) / 8) * 2 - 1, 5);
  });

  it('leaks no tensors across epochs', async () => {
    const block = await buildDataBlock(base, { files: folderFiles(), decode: decodeInNode });
    const loaders = makeDataLoaders(block, base);
    const drain = async (epoch: number) => {
      for await (const b of loaders.train.batches(epoch)) tf.dispose([b.x, b.y]);
    };
    await drain(0);
    const after1 = tf.memory().numTensors;
    await drain(1);
    await drain(2);
    expect(tf.memory().numTensors).toBe(after1);
  });
});
