import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePreparePool } from '../../io/node/nodePrepare';
import { decodeInNode } from '../../io/node/nodeDecode';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { augmentBatch, drawAugment, normalizeBatch } from '../transforms/augment';
import { isIdentity } from '../transforms/matrix';
import { resizeGeometry, sampleImage } from '../transforms/resize';
import type { DataLoader } from './batch';
import { buildDataBlock, makeDataLoaders } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { prepareBatch, type PrepareItem } from './prepare';
import type { BatchPreparer } from './preparePool';
import { makeRng } from './random';
import { maskFile, memoryFile, pngBytes } from './testing/fixtures';
import type { DataBlockSpec, RawImage, SourceFile, Stats, TransformSpec } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // As `chooseBackend` does: the stock CPU Transform resamples only a batch's first image.
  installFastCpuKernels();
});

/** Every augmentation on, with certainty, so each matrix mixes flip, warp, rotation and zoom. */
const ALL_ON: TransformSpec = { ...DEFAULT_TRANSFORMS, size: [6, 8], flip: true, flipVert: true, maxRotate: 30, maxZoom: 1.5, maxWarp: 0.3, pAffine: 1, maxLighting: 0.4, pLighting: 1 };
const STATS: Stats = { mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3] };

/** A textured RGBA picture: the channels vary along different axes, so a wrong resampling shows. */
function texture(w: number, h: number, seed: number): RawImage {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const [x, y] = [i % w, Math.floor(i / w)];
    data.set([(x * 37 + seed * 11) % 256, (y * 53 + seed) % 256, ((x + y) * 29 + seed * 7) % 256, 255], i * 4);
  }
  return { width: w, height: h, data };
}

describe('prepareBatch (off-thread preparation) against the backend path', () => {
  it('matches augmentBatch + normalizeBatch for the same drawn matrices: pictures, masks and points', () => {
    const n = 4;
    const images = Array.from({ length: n }, (_, i) => texture(12, 10, i));
    const masks = images.map(({ width, height }, i) => ({ width, height, data: Uint8Array.from({ length: width * height * 4 }, (_, k) => (Math.floor(k / 4) % (3 + i)) % 3) }));
    const geometries = images.map((im, i) => resizeGeometry(im.width, im.height, ALL_ON.size, 'crop', makeRng(i)));
    const points: [number, number][] = [
      [3, 4],
      [6.5, 2],
      [1, 9],
      [11, 5],
    ];
    const [height, width] = [6, 8];
    const draw = drawAugment(ALL_ON, n, width, height, makeRng(99));
    expect(draw.mats.some((m) => !isIdentity(m))).toBe(true);
    const items: PrepareItem[] = images.map((image, b) => ({ image, geometry: geometries[b], mask: masks[b], point: points[b] }));
    const js = prepareBatch({ items, mats: draw.mats, lighting: draw.lighting, stats: STATS });
    const jsPoints = prepareBatch({ items: items.map(({ mask: _m, ...rest }) => rest), mats: draw.mats, lighting: draw.lighting, stats: STATS }).points!;

    // The backend path on the same sized pictures and targets, drawing the same matrices from the same seed.
    const sized = images.map((im, b) => sampleImage(im, geometries[b], 'bilinear'));
    const x0 = tf.tensor4d(Float32Array.from(sized.flatMap((s) => Array.from(s, (v) => v / 255))), [n, height, width, 3]);
    const sizedMasks = prepareBatch({ items, mats: null, lighting: null, stats: STATS }).masks!;
    const sizedPoints = prepareBatch({ items: items.map(({ mask: _m, ...rest }) => rest), mats: null, lighting: null, stats: STATS }).points!;
    const m0 = tf.tensor3d(sizedMasks, [n, height, width], 'int32');
    const p0 = tf.tensor2d(sizedPoints, [n, 2]);
    const out = augmentBatch({ x: x0, masks: m0, points: p0 }, ALL_ON, makeRng(99));
    const xn = normalizeBatch(out.x, STATS);
    const tfX = xn.dataSync();
    const tfMasks = out.masks!.dataSync();
    const tfPoints = out.points!.dataSync();
    tf.dispose([x0, m0, p0, out.x, out.masks!, out.points!, xn]);

    expect(js.x.length).toBe(tfX.length);
    const maxDiff = js.x.reduce((m, v, i) => Math.max(m, Math.abs(v - tfX[i])), 0);
    expect(maxDiff).toBeLessThan(1e-4);
    expect(Array.from(js.masks!)).toEqual(Array.from(tfMasks));
    jsPoints.forEach((v, i) => expect(v).toBeCloseTo(tfPoints[i], 4));
    // The augmentation did something: the pictures differ from the plain normalized crops.
    const plain = prepareBatch({ items, mats: null, lighting: null, stats: STATS }).x;
    expect(plain.some((v, i) => Math.abs(v - js.x[i]) > 0.05)).toBe(true);
  });
});

/** A block of textured pictures for `task`, with every augmentation on. */
async function textured(task: 'single' | 'segmentation' | 'points') {
  const picture = (path: string, i: number) =>
    memoryFile(
      path,
      pngBytes(14, 12, (x, y) => [(x * 37 + i * 11) % 256, (y * 53 + i) % 256, ((x + y) * 29) % 256]),
    );
  const common = { ...DEFAULT_SPEC, transforms: { ...ALL_ON, size: 8 }, batch: { batchSize: 4, seed: 5 }, split: { kind: 'random', validPct: 0.2, seed: 2 } } as DataBlockSpec;
  let files: SourceFile[];
  let spec: DataBlockSpec = common;
  if (task === 'single') files = Array.from({ length: 10 }, (_, i) => picture(`${i % 2 ? 'a' : 'b'}/${i}.png`, i));
  else if (task === 'segmentation') {
    files = [memoryFile('codes.txt', 'Void\nBackground\nThing')];
    for (let i = 0; i < 10; i++)
      files.push(
        picture(`images/${i}.png`, i),
        maskFile(`labels/${i}_P.png`, 14, 12, (x, y) => (x + y < 12 ? 1 : 2)),
      );
    spec = { ...common, items: { kind: 'folder', folder: 'images' }, label: { kind: 'mask', template: 'labels/{name}_P{ext}', codesPath: 'codes.txt' } };
  } else {
    const csv = 'image,x,y\n' + Array.from({ length: 10 }, (_, i) => `${i}.png,${i + 2},5`).join('\n');
    files = [memoryFile('p.csv', csv), ...Array.from({ length: 10 }, (_, i) => picture(`${i}.png`, i))];
    spec = { ...common, items: { kind: 'csv', csvPath: 'p.csv', fileColumn: 'image' }, label: { kind: 'points', xColumn: 'x', yColumn: 'y' } };
  }
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  expect(block.ok).toBe(true);
  return { block, spec };
}

/** Every batch of an epoch as plain arrays. */
async function epochOf(loader: DataLoader, epoch: number) {
  const out: { x: Float32Array; y: number[] }[] = [];
  for await (const b of loader.batches(epoch)) {
    out.push({ x: b.x.dataSync() as Float32Array, y: Array.from(b.y.dataSync()) });
    tf.dispose([b.x, b.y]);
  }
  return out;
}

describe('training loader with a batch-preparation pool (worker_threads)', () => {
  let pool: BatchPreparer;
  beforeAll(() => {
    pool = nodePreparePool(2);
  });
  afterAll(() => pool.close());

  for (const task of ['single', 'segmentation', 'points'] as const) {
    it(`gives the in-thread loader's batches for a seed and epoch (${task})`, async () => {
      const { block, spec } = await textured(task);
      const inThread = makeDataLoaders(block, spec).train;
      const offThread = makeDataLoaders(block, spec, pool).train;
      for (const epoch of [0, 1]) {
        const [a, b] = [await epochOf(inThread, epoch), await epochOf(offThread, epoch)];
        expect(b.length).toBe(a.length);
        a.forEach((batch, k) => {
          expect(b[k].x.length).toBe(batch.x.length);
          expect(b[k].x.reduce((m, v, i) => Math.max(m, Math.abs(v - batch.x[i])), 0)).toBeLessThan(1e-4);
          if (task === 'points') b[k].y.forEach((v, i) => expect(v).toBeCloseTo(batch.y[i], 4));
          else expect(b[k].y).toEqual(batch.y);
        });
      }
    });
  }

  it('leaks no tensors across epochs and fails a batch with the worker reason', async () => {
    const { block, spec } = await textured('single');
    const loader = makeDataLoaders(block, spec, pool).train;
    await epochOf(loader, 0);
    const after = tf.memory().numTensors;
    await epochOf(loader, 1);
    expect(tf.memory().numTensors).toBe(after);
    // A job that cannot be prepared (no pictures) fails with the worker's reason, not silently.
    await expect(pool.prepare({ items: [], mats: null, lighting: null, stats: STATS })).rejects.toThrow(/batch preparation failed/);
  });
});
