import { describe, expect, it } from 'vitest';
import type { ImageDecoder, SourceFile } from '../core/data/types';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { pngFile } from '../core/data/testing/fixtures';
import { makeDataCommands } from './dataActions';
import { inProcessImages } from './testing/inProcessImages';
import { dataReducer, initialDataState } from './dataState';
import { createStore } from './store';

/** A file whose read takes a while, as a large folder's first reads do in a browser. */
function slow(file: SourceFile, ms: number): SourceFile {
  return { ...file, read: async () => (await new Promise((r) => setTimeout(r, ms)), file.read()) };
}

describe('data commands', () => {
  it('merges a CSV added while the folder is still being guessed with that folder (Planet: images + labels.csv)', async () => {
    const all = readFolder('public/samples/planet_tiny');
    const images = all.filter((f) => f.path.startsWith('train/')).map((f) => slow(f, 30));
    const csv = all.filter((f) => f.path === 'labels.csv');
    const store = createStore(dataReducer, initialDataState);
    const commands = makeDataCommands(store, inProcessImages().images);
    // The person picks the folder and, before its guess is done, adds the CSV.
    const folderLoaded = commands.loadFiles(images, 'folder train');
    const csvAdded = commands.addFiles(csv);
    await Promise.all([folderLoaded, csvAdded]);
    const state = store.getState();
    expect(state.files).toHaveLength(images.length + 1);
    expect(state.source).toBe('folder train + 1 file(s)');
    expect(state.spec.items).toMatchObject({ kind: 'csv', csvPath: 'labels.csv', suffix: '.png' });
    expect(state.spec.label).toMatchObject({ kind: 'csvColumn', column: 'tags', separator: ' ' });
    expect(state.error).toBeNull();
    expect(state.block).not.toBeNull();
    expect(state.block!.train.length + state.block!.valid.length).toBe(400);
  }, 60_000);

  it('refuses to rebuild with a bad form value and keeps the block built before; a running fit is not stopped (issue 12)', async () => {
    const files = ['3', '7'].flatMap((c) => Array.from({ length: 4 }, (_, i) => pngFile(`train/${c}/${i}.png`)).concat(pngFile(`valid/${c}/v.png`)));
    const store = createStore(dataReducer, initialDataState);
    let stops = 0;
    const commands = makeDataCommands(store, inProcessImages().images, async () => void stops++);
    await commands.loadFiles(files, 'folder tiny');
    const good = store.getState();
    expect(good.block?.ok).toBe(true);
    stops = 0;
    commands.setSpec({ ...good.spec, transforms: { ...good.spec.transforms, size: 5000 } });
    await commands.build();
    const after = store.getState();
    expect(after.block).toBe(good.block);
    expect(after.builtSpec).toBe(good.builtSpec);
    expect(stops).toBe(0);
    expect(after.progress).toBeNull();
    expect(after.rejected?.map((p) => p.message)).toEqual(['Size (px) must be a whole number from 8 to 1024, not 5000']);
    // Fixed, the next build goes through and the refusal is gone.
    commands.setSpec({ ...after.spec, transforms: { ...after.spec.transforms, size: 16 } });
    await commands.build();
    expect(store.getState().rejected).toBeNull();
    expect(store.getState().builtSpec?.transforms.size).toBe(16);
  });

  it('shows a bad form value as the failed block when nothing was built before', async () => {
    const store = createStore(dataReducer, initialDataState);
    const commands = makeDataCommands(store, inProcessImages().images);
    store.dispatch({ type: 'filesLoaded', files: [pngFile('a/x.png'), pngFile('b/y.png')], source: 'two', spec: { ...initialDataState.spec, batch: { batchSize: NaN, seed: 1 } } });
    await commands.build();
    expect(store.getState().block?.ok).toBe(false);
    expect(store.getState().block?.problems[0]).toMatchObject({ field: 'batch.batchSize', message: 'Batch size must be a whole number from 1 to 1024; it is empty or not a number' });
  });

  it('builds the image block once, in the worker: each picture decoded once, its pixels kept once there, the page holding a plain view (issue 13)', async () => {
    const files = readFolder('public/samples/mnist_tiny');
    const decodes = new Map<string, number>();
    const counting: ImageDecoder = (file, hint) => (decodes.set(file.path, (decodes.get(file.path) ?? 0) + 1), decodeInNode(file, hint));
    const { images, client } = inProcessImages(counting);
    const store = createStore(dataReducer, initialDataState);
    const commands = makeDataCommands(store, images);
    await commands.loadFiles(files, 'mnist_tiny');
    const { block, batch } = store.getState();
    expect(block?.ok).toBe(true);
    const used = new Set([...block!.train, ...block!.valid]);
    expect(used.size).toBeGreaterThan(600);
    // The build decoded every picture once; the summary and show_batch read the kept pixels.
    expect([...decodes.keys()].sort()).toEqual([...used].sort());
    expect(new Set(decodes.values())).toEqual(new Set([1]));
    // The worker keeps one copy: width * height * 4 (RGBA) bytes per picture.
    let oneCopy = 0;
    for (const f of files.filter((f) => used.has(f.path))) {
      const image = await decodeInNode(f);
      oneCopy += image.width * image.height * 4;
    }
    expect((await client.memory()).pixelBytes).toBe(oneCopy);
    // The page's store holds no DataBlock and no decoded pixels: plain data, whose only typed
    // arrays are show_batch's tiles.
    expect(block).not.toHaveProperty('pixels');
    expect(typeof block!.train[0]).toBe('string');
    expect(structuredClone({ block, batch })).toEqual({ block, batch });
    const tileBytes = batch!.tiles.reduce((n, t) => n + t.rgba.byteLength, 0);
    expect(batch!.tiles).toHaveLength(16);
    expect(typedArrayBytes(store.getState())).toBe(tileBytes);
    // show_batch's tiles are pictures, not black squares.
    expect(batch!.tiles.every((t) => t.rgba.some((v, i) => i % 4 !== 3 && v > 0))).toBe(true);
    // Another draw runs in the worker, on the backend it trains on, and frees every tensor it made.
    const tensors = (await client.memory()).tensors;
    expect((await client.drawBatch(1)).tiles).toHaveLength(16);
    expect((await client.memory()).tensors).toBe(tensors);
  }, 60_000);
});

/** Bytes of every typed array reachable from `value` (a store's state). */
function typedArrayBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return Object.values(value).reduce<number>((n, v) => n + typedArrayBytes(v, seen), 0);
}
