import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../core/data/types';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { makeDataCommands } from './dataActions';
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
    const commands = makeDataCommands(store, decodeInNode);
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
    expect(state.block?.train.length! + state.block?.valid.length!).toBe(400);
  }, 60_000);
});
