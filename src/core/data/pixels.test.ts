import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { readFolder } from '../../io/node/nodeFiles';
import { chooseBackend } from '../tf/backend';
import { buildDataBlock, makeDataLoaders } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { checkHeaders, loadAll, streamedPixels } from './pixels';
import { memoryFile, pngBytes, pngFile } from './testing/fixtures';
import type { DataBlockSpec, ImageDecoder, LabeledItem, SourceFile } from './types';

beforeAll(() => chooseBackend(['cpu']));

// mnist_tiny keeps 700 pictures of 28x28 RGBA: 2.1 MB. A 1 MB budget makes it stream.
const kept: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 28 },
  batch: { batchSize: 64, seed: 3 },
};
const streamed: DataBlockSpec = { ...kept, batch: { ...kept.batch, memoryMB: 1 } };

/** Every batch of one epoch of a loader, as plain arrays. */
async function epochOf(loader: ReturnType<typeof makeDataLoaders>['train'], epoch: number) {
  const out: { x: number[]; y: number[] }[] = [];
  for await (const { x, y } of loader.batches(epoch)) {
    out.push({ x: Array.from(await x.data()), y: Array.from(await y.data()) });
    tf.dispose([x, y]);
  }
  return out;
}

/** A decoder that counts its calls. */
function counting(): { decode: ImageDecoder; calls: () => number } {
  let calls = 0;
  return { decode: (file, hint) => (calls++, decodeInNode(file, hint)), calls: () => calls };
}

describe('a block over its memory budget streams', () => {
  it('decodes nothing while building and gives the same batches as the kept block, within its cache budget', async () => {
    const files = readFolder('public/samples/mnist_tiny');
    const whole = await buildDataBlock(kept, { files, decode: decodeInNode });
    const counter = counting();
    const stream = await buildDataBlock(streamed, { files, decode: counter.decode });
    expect(whole.pixels.streamed).toBe(false);
    expect(stream.pixels.streamed).toBe(true);
    expect(counter.calls()).toBe(0);
    expect(stream.steps.find((s) => s.step === 'decode')?.text).toContain('streamed');
    expect(stream.train.map((d) => d.item.path)).toEqual(whole.train.map((d) => d.item.path));
    expect(stream.train.some((d) => 'image' in d)).toBe(false);

    const [a, b] = [makeDataLoaders(whole, kept), makeDataLoaders(stream, streamed)];
    expect(await epochOf(b.train, 1)).toEqual(await epochOf(a.train, 1));
    expect(await epochOf(b.valid, 0)).toEqual(await epochOf(a.valid, 0));
    // The cache never holds more than the budget, so a second epoch decodes most pictures again.
    expect(stream.pixels.cachedBytes()).toBeLessThanOrEqual(2 ** 20);
    expect(stream.pixels.cachedBytes()).toBeGreaterThan(2 ** 20 - 28 * 28 * 4);
    const afterOne = counter.calls();
    expect(afterOne).toBe(700);
    await epochOf(b.train, 2);
    expect(counter.calls() - afterOne).toBeGreaterThan(400);
  }, 60_000);

  it('keeps the most recently used pictures and decodes each failing one once', async () => {
    const item = (path: string, file: SourceFile = pngFile(path, 8, 8)): LabeledItem => ({ path, file, label: { kind: 'class', id: 0 } });
    const counter = counting();
    // Room for two 8x8 RGBA pictures (256 bytes each).
    const source = streamedPixels(counter.decode, { shortSide: 8, numCodes: 1, budgetBytes: 600 });
    const [a, b, c] = ['a.png', 'b.png', 'c.png'].map((p) => ({ item: item(p) }));
    await loadAll(source, [a]);
    await loadAll(source, [b]);
    await loadAll(source, [a]); // a is now the most recent, b the oldest
    await loadAll(source, [c]); // evicts b
    expect(counter.calls()).toBe(3);
    await loadAll(source, [a]);
    expect(counter.calls()).toBe(3);
    await loadAll(source, [b]);
    expect(counter.calls()).toBe(4);
    expect(source.cachedBytes()).toBe(512);

    // A PNG header followed by nothing: it passes the header check and fails when a batch decodes it.
    const broken = { item: item('train/3/broken.png', memoryFile('train/3/broken.png', pngBytes(8, 8, () => [0, 0, 0]).slice(0, 40))) };
    expect(await loadAll(source, [broken, a])).toHaveLength(1);
    expect(await loadAll(source, [broken])).toHaveLength(0);
    expect(counter.calls()).toBe(5);
    expect(source.failures).toHaveLength(1);
    expect(source.failures[0].message).toContain('train/3/broken.png could not be read as an image');
    expect([...source.failedItems()]).toEqual(['train/3/broken.png']);
  });

  it('leaves a picture that fails mid-stream out of its batch, and the epoch goes on', async () => {
    const files = readFolder('public/samples/mnist_tiny');
    const truncated = memoryFile('train/3/truncated.png', pngBytes(28, 28, () => [9, 9, 9]).slice(0, 40));
    const block = await buildDataBlock(streamed, { files: [...files, truncated], decode: decodeInNode });
    expect(block.train).toHaveLength(561);
    const loaders = makeDataLoaders(block, streamed);
    let seen = 0;
    for await (const { x, y } of loaders.train.batches(0)) {
      seen += x.shape[0];
      tf.dispose([x, y]);
    }
    expect(seen).toBe(560);
    expect(block.pixels.failures.map((p) => p.file)).toEqual(['train/3/truncated.png']);
  }, 60_000);

  it('checks headers: a file that is not an image, and a mask of another size, are skipped with a reason', async () => {
    const label = { kind: 'class', id: 0 } as const;
    const text = memoryFile('images/notes.png', 'not a picture');
    const mask = pngFile('labels/a_P.png', 6, 8);
    const items: LabeledItem[] = [
      { path: 'images/ok.png', file: pngFile('images/ok.png', 8, 8), label },
      { path: 'images/notes.png', file: text, label },
      { path: 'images/a.png', file: pngFile('images/a.png', 8, 8), label: { kind: 'mask', file: mask } },
    ];
    const { ok, problems } = await checkHeaders(items);
    expect(ok.map((i) => i.path)).toEqual(['images/ok.png']);
    expect(problems.map((p) => p.message)).toEqual(['images/notes.png is not a PNG, JPEG or GIF image: skipped', 'Mask labels/a_P.png is 6x8 but its image images/a.png is 8x8: skipped']);
  });
});
