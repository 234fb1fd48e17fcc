import { describe, expect, it } from 'vitest';
import { guessBatchSize, guessSpec } from './infer';
import { memoryFile, pngFile } from './testing/fixtures';

describe('guessSpec', () => {
  it('takes train/valid class folders as parent-folder labels split by folder, even beside a CSV', async () => {
    const files = [pngFile('train/3/a.png'), pngFile('valid/7/b.png'), memoryFile('labels.csv', 'name,label\ntrain/3/a.png,3\n')];
    const spec = await guessSpec(files);
    expect(spec.items).toEqual({ kind: 'folder' });
    expect(spec.label).toEqual({ kind: 'parentFolder' });
    expect(spec.split).toEqual({ kind: 'folder', train: 'train', valid: 'valid' });
  });

  it('reads a Planet-style CSV: names without suffix, space-separated tags → multi-label', async () => {
    const files = [pngFile('train_0.png'), pngFile('train_1.png'), memoryFile('labels.csv', 'image_name,tags\ntrain_0,seven three\ntrain_1,one\n')];
    const spec = await guessSpec(files);
    expect(spec.items).toEqual({ kind: 'csv', csvPath: 'labels.csv', fileColumn: 'image_name', folder: '', suffix: '.png' });
    expect(spec.label).toEqual({ kind: 'csvColumn', column: 'tags', separator: ' ' });
    expect(spec.transforms.flipVert).toBe(true);
  });

  it('finds the folder the CSV names live in', async () => {
    const files = [pngFile('train/train_0.png'), memoryFile('labels.csv', 'image_name,tags\ntrain_0,a\n')];
    expect((await guessSpec(files)).items).toMatchObject({ folder: 'train', suffix: '.png' });
  });

  it('takes a codes.txt as segmentation with CamVid mask names', async () => {
    const files = [pngFile('images/a.png'), pngFile('labels/a_P.png'), memoryFile('codes.txt', 'Void\nRoad\n')];
    const spec = await guessSpec(files);
    expect(spec.items).toEqual({ kind: 'folder', folder: 'images' });
    expect(spec.label).toEqual({ kind: 'mask', template: 'labels/{name}_P{ext}', codesPath: 'codes.txt', voidCode: 'Void' });
  });

  it('takes x and y columns as point regression without flips', async () => {
    const files = [pngFile('images/p.png'), memoryFile('points.csv', 'image,x,y\np.png,3.5,4\n')];
    const spec = await guessSpec(files);
    expect(spec.label).toEqual({ kind: 'points', xColumn: 'x', yColumn: 'y' });
    expect(spec.items).toMatchObject({ kind: 'csv', fileColumn: 'image', folder: 'images', suffix: '' });
    expect(spec.transforms.flip).toBe(false);
  });

  it('falls back to parent folders with a seeded random split', async () => {
    const spec = await guessSpec([pngFile('cats/a.png'), pngFile('dogs/b.png')]);
    expect(spec.split).toEqual({ kind: 'random', validPct: 0.2, seed: 42 });
  });

  it('trains small pictures at their own size and larger ones at the default 64 px', async () => {
    const folder = (side: number) => [pngFile('train/3/a.png', side, side), pngFile('train/7/b.png', side, side - 4), pngFile('valid/3/c.png', side, side)];
    expect((await guessSpec(folder(28))).transforms.size).toBe(28);
    expect((await guessSpec(folder(100))).transforms.size).toBe(64);
    // A header it cannot read among the pictures it looks at keeps the default rather than guessing.
    expect((await guessSpec([...folder(28), memoryFile('train/3/odd.png', 'not a png')])).transforms.size).toBe(64);
  });

  it('keeps fastai’s batch of 64 for large sets and halves it until an epoch has 16 batches (not below 8)', async () => {
    expect([5000, 1024, 1023, 560, 320, 40, 3].map(guessBatchSize)).toEqual([64, 64, 32, 32, 16, 8, 8]);
    // Counted under the train folder for a folder split; 80% of the pictures for a random split.
    const folderSplit = [...Array.from({ length: 300 }, (_, i) => pngFile(`train/a/${i}.png`)), ...Array.from({ length: 500 }, (_, i) => pngFile(`valid/a/${i}.png`))];
    expect((await guessSpec(folderSplit)).batch.batchSize).toBe(16);
    const randomSplit = Array.from({ length: 700 }, (_, i) => pngFile(`${i % 2 ? 'cats' : 'dogs'}/${i}.png`));
    expect((await guessSpec(randomSplit)).batch.batchSize).toBe(32);
  });
});
