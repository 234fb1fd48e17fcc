import { describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { buildDataBlock } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { maskFile, memoryFile, pngFile } from './testing/fixtures';
import type { DataBlockSpec, Problem, SourceFile } from './types';

const folderSpec: DataBlockSpec = { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: { ...DEFAULT_TRANSFORMS, size: 8 } };
const build = (spec: DataBlockSpec, files: SourceFile[]) => buildDataBlock(spec, { files, decode: decodeInNode });
const messages = (ps: readonly Problem[]) => ps.map((p) => p.message).join('\n');

function imagenetStyle(): SourceFile[] {
  return ['train/cat/a.png', 'train/cat/b.png', 'train/dog/c.png', 'valid/cat/d.png', 'valid/dog/e.png'].map((p) => pngFile(p));
}

describe('buildDataBlock: folders', () => {
  it('labels by parent folder and splits by folder names', async () => {
    const block = await build(folderSpec, [...imagenetStyle(), memoryFile('README.md', '# notes')]);
    expect(block.ok).toBe(true);
    expect(block.classes).toEqual(['cat', 'dog']);
    expect(block.train.map((d) => d.item.path)).toEqual(['train/cat/a.png', 'train/cat/b.png', 'train/dog/c.png']);
    expect(block.valid).toHaveLength(2);
    expect(block.skipped).toEqual(['README.md']);
  });

  it('accepts image extensions in any case and skips other files', async () => {
    const files = [pngFile('train/x/A.PNG'), pngFile('valid/x/B.Png'), pngFile('train/y/C.PNG'), pngFile('valid/y/D.png'), memoryFile('train/x/notes.txt', 'hi')];
    const block = await build(folderSpec, files);
    expect(block.train.map((d) => d.item.path)).toEqual(['train/x/A.PNG', 'train/y/C.PNG']);
    expect(block.skipped).toEqual(['train/x/notes.txt']);
  });

  it('skips and lists an unreadable and a zero-byte image, keeping every valid one', async () => {
    const files = [...imagenetStyle(), memoryFile('train/cat/broken.png', new Uint8Array([0x89, 0x50, 1, 2, 3])), memoryFile('train/dog/empty.png', new Uint8Array(0))];
    const block = await build(folderSpec, files);
    expect(block.ok).toBe(true);
    expect(block.train).toHaveLength(3);
    expect(block.problems.find((p) => p.file === 'train/cat/broken.png')?.message).toMatch(/could not be read as an image/);
    expect(block.problems.find((p) => p.file === 'train/dog/empty.png')?.message).toMatch(/empty \(0 bytes\)/);
  });

  it('says so when the folder holds no image', async () => {
    const block = await build(folderSpec, [memoryFile('notes.txt', 'x')]);
    expect(block.ok).toBe(false);
    expect(messages(block.problems)).toMatch(/No images found in the chosen folder/);
  });

  it('warns about a class with no example in the validation set', async () => {
    const files = [...imagenetStyle(), pngFile('train/bird/f.png')];
    const block = await build(folderSpec, files);
    expect(block.ok).toBe(true);
    const warning = block.problems.find((p) => p.level === 'warning' && p.message.includes('bird'));
    expect(warning?.message).toBe('Class "bird" has no example in the validation set');
  });

  it('labels with a regex on the file name and reports names that do not match', async () => {
    const files = ['cat_1.png', 'cat_2.png', 'dog_1.png', 'dog_2.png', 'weird.png'].map((p) => pngFile(p));
    const spec: DataBlockSpec = { ...folderSpec, label: { kind: 'regex', pattern: '^([a-z]+)_\\d+\\.png$' }, split: { kind: 'random', validPct: 0.5, seed: 1 } };
    const block = await build(spec, files);
    expect(block.classes).toEqual(['cat', 'dog']);
    expect(block.train.length + block.valid.length).toBe(4);
    expect(block.problems.some((p) => p.file === 'weird.png')).toBe(true);
  });

  it('makes the same random split for the same seed, and another for another seed', async () => {
    const files = Array.from({ length: 40 }, (_, i) => pngFile(`all/${i % 2 ? 'a' : 'b'}/${i}.png`));
    const spec = (seed: number): DataBlockSpec => ({ ...folderSpec, split: { kind: 'random', validPct: 0.25, seed } });
    const paths = async (seed: number) => (await build(spec(seed), files)).valid.map((d) => d.item.path);
    // Listing order must not matter: the browser lists files in any order.
    const reversed = await build(spec(7), [...files].reverse());
    expect(await paths(7)).toEqual(reversed.valid.map((d) => d.item.path));
    expect(await paths(7)).toHaveLength(10);
    expect(await paths(7)).not.toEqual(await paths(8));
  });
});

describe('buildDataBlock: CSV', () => {
  const csvSpec: DataBlockSpec = {
    ...folderSpec,
    items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: 'image_name', folder: 'train', suffix: '.png' },
    label: { kind: 'csvColumn', column: 'tags', separator: ' ' },
    split: { kind: 'csvColumn', column: 'is_valid' },
  };

  it('reads multi-label tags and reports a row naming a missing file with its line', async () => {
    const csv = 'image_name,tags,is_valid\ntrain_0,seven three,False\ntrain_1,one,False\ntrain_9,two,False\ntrain_2,three,True\n';
    const files = [memoryFile('labels.csv', csv), pngFile('train/train_0.png'), pngFile('train/train_1.png'), pngFile('train/train_2.png')];
    const block = await build(csvSpec, files);
    expect(block.ok).toBe(true);
    expect(block.task).toBe('multi');
    expect(block.classes).toEqual(['one', 'seven', 'three']);
    expect(block.train.map((d) => d.item.label)).toEqual([
      { kind: 'multi', ids: [1, 2] },
      { kind: 'multi', ids: [0] },
    ]);
    const missing = block.problems.find((p) => p.line === 4);
    expect(missing?.message).toBe('labels.csv line 4: file "train/train_9.png" not found');
  });

  it('reports a value in the split column that is neither true nor false', async () => {
    const csv = 'image_name,tags,is_valid\ntrain_0,a,False\ntrain_1,a,maybe\ntrain_2,a,True\n';
    const files = [memoryFile('labels.csv', csv), ...[0, 1, 2].map((i) => pngFile(`train/train_${i}.png`))];
    const block = await build(csvSpec, files);
    expect(block.problems.find((p) => p.line === 3)?.message).toMatch(/"maybe" in column "is_valid"/);
    expect(block.train.length + block.valid.length).toBe(2);
  });

  it('names a missing column', async () => {
    const files = [memoryFile('labels.csv', 'file,tags\nx,a\n'), pngFile('train/x.png')];
    const block = await build(csvSpec, files);
    expect(block.ok).toBe(false);
    expect(block.problems[0]).toMatchObject({ field: 'items.fileColumn', blocking: true });
    expect(block.problems[0].message).toContain('no column "image_name"');
  });

  it('reads points and reports a row whose coordinates are not numbers', async () => {
    const spec: DataBlockSpec = {
      ...folderSpec,
      items: { kind: 'csv', csvPath: 'p.csv', fileColumn: 'image', folder: 'images' },
      label: { kind: 'points', xColumn: 'x', yColumn: 'y' },
      split: { kind: 'random', validPct: 0.5, seed: 3 },
    };
    const csv = 'image,x,y\na.png,1.5,2\nb.png,oops,3\nc.png,4,4\n';
    const files = [memoryFile('p.csv', csv), ...['a', 'b', 'c'].map((n) => pngFile(`images/${n}.png`))];
    const block = await build(spec, files);
    expect(block.task).toBe('points');
    expect(block.train.length + block.valid.length).toBe(2);
    expect(block.problems.find((p) => p.line === 3)?.message).toMatch(/not a pair of numbers/);
  });
});

describe('buildDataBlock: masks', () => {
  const spec: DataBlockSpec = {
    ...folderSpec,
    items: { kind: 'folder', folder: 'images' },
    label: { kind: 'mask', template: 'labels/{name}_P{ext}', codesPath: 'codes.txt', voidCode: 'Void' },
    split: { kind: 'random', validPct: 0.5, seed: 1 },
  };
  const codes = memoryFile('codes.txt', 'Void\nBackground\nDigit\n');

  it('pairs each image with its mask and reports a wrong-size mask and an out-of-range value', async () => {
    const files = [
      codes,
      pngFile('images/a.png', 6, 6),
      maskFile('labels/a_P.png', 6, 6, (x) => (x < 3 ? 1 : 2)),
      pngFile('images/b.png', 6, 6),
      maskFile('labels/b_P.png', 6, 6, () => 1),
      pngFile('images/c.png', 6, 6),
      maskFile('labels/c_P.png', 5, 6, () => 1),
      pngFile('images/d.png', 6, 6),
      maskFile('labels/d_P.png', 6, 6, (x, y) => (x === 2 && y === 4 ? 9 : 0)),
      pngFile('images/e.png', 6, 6),
    ];
    const block = await build(spec, files);
    expect(block.ok).toBe(true);
    expect(block.classes).toEqual(['Void', 'Background', 'Digit']);
    expect(block.voidIndex).toBe(0);
    expect(block.skipped).toEqual([]); // masks and codes.txt are labels, not unused files
    expect([...block.train, ...block.valid].map((d) => d.item.path).sort()).toEqual(['images/a.png', 'images/b.png']);
    expect(block.problems.find((p) => p.file === 'labels/c_P.png')?.message).toBe('Mask labels/c_P.png is 5x6 but its image images/c.png is 6x6: skipped');
    expect(block.problems.find((p) => p.file === 'labels/d_P.png')?.message).toMatch(/value 9 at \(2, 4\).*only 3 classes/);
    expect(block.problems.find((p) => p.file === 'images/e.png')?.message).toBe('images/e.png: mask "labels/e_P.png" not found');
  });

  it('stops with a clear message when codes.txt is missing', async () => {
    const block = await build(spec, [pngFile('images/a.png'), maskFile('labels/a_P.png', 8, 8, () => 0)]);
    expect(block.ok).toBe(false);
    expect(block.problems[0]).toMatchObject({ field: 'label.codesPath' });
  });
});
