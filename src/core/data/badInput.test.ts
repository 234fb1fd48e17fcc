import { describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { buildDataBlock } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS, guessSpec } from './infer';
import { memoryFile, pngFile } from './testing/fixtures';
import type { DataBlockSpec, Problem, SourceFile } from './types';

// The bad inputs of issue 12: each is named (file, line or field) and no good item is lost.

const small = { ...DEFAULT_TRANSFORMS, size: 8 };
const folderSpec: DataBlockSpec = { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: small };
const csvSpec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: 'name', folder: 'images' },
  label: { kind: 'csvColumn', column: 'label' },
  split: { kind: 'random', validPct: 0.25, seed: 1 },
  transforms: small,
};
const build = (spec: DataBlockSpec, files: SourceFile[]) => buildDataBlock(spec, { files, decode: decodeInNode });
const warnings = (ps: readonly Problem[]) => ps.filter((p) => p.level === 'warning');
const allItems = (b: Awaited<ReturnType<typeof build>>) => [...b.train, ...b.valid].map((d) => d.item.path).sort();

/** Latin-1 bytes of a string (every character below 256). */
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('a CSV that is not UTF-8 (issue 12 #6)', () => {
  // 60 rows; 6 names carry an é, written as the single byte 0xE9 as Excel on Windows saves it.
  // The first row is one of them: the folder guess used to read only that row.
  const names = Array.from({ length: 60 }, (_, i) => (i % 10 === 0 ? `café_${i}.png` : `img_${i}.png`));
  const csv = 'name,label\n' + names.map((n, i) => `${n},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n';
  const files = [memoryFile('labels.csv', latin1(csv)), ...names.map((n) => pngFile(`images/${n}`))];

  it('reads it as Windows-1252, keeps all 60 rows, and says so naming the file', async () => {
    const spec = await guessSpec(files);
    expect(spec.items).toMatchObject({ kind: 'csv', csvPath: 'labels.csv', fileColumn: 'name', folder: 'images' });
    const block = await build({ ...spec, transforms: small }, files);
    expect(block.ok).toBe(true);
    expect(allItems(block)).toHaveLength(60);
    expect(allItems(block)).toContain('images/café_0.png');
    expect(block.problems.filter((p) => p.level === 'error')).toEqual([]);
    expect(warnings(block.problems)).toContainEqual(expect.objectContaining({ file: 'labels.csv', message: 'labels.csv is not UTF-8; read it as Windows-1252 (Latin-1)' }));
  });

  it('guesses the folder from the rows that match, so one bad first row does not mislead it', async () => {
    const rows = 'name,label\ntypo.png,a\n' + ['b', 'c', 'd'].map((n) => `${n}.png,x`).join('\n');
    const spec = await guessSpec([memoryFile('labels.csv', rows), ...['b', 'c', 'd'].map((n) => pngFile(`images/${n}.png`))]);
    expect(spec.items).toMatchObject({ kind: 'csv', folder: 'images', suffix: '' });
  });

  it('matches a name typed in NFC against a file listed in NFD (as macOS lists them)', async () => {
    const nfd = [memoryFile('labels.csv', 'name,label\ncafé.png,a\nb.png,b\nc.png,a\nd.png,b\n'), ...['café.png'.normalize('NFD'), 'b.png', 'c.png', 'd.png'].map((n) => pngFile(`images/${n}`))];
    const block = await build({ ...csvSpec, split: { kind: 'random', validPct: 0.5, seed: 1 } }, nfd);
    expect(allItems(block)).toHaveLength(4);
  });
});

describe('an empty or header-only CSV (issue 12 #7)', () => {
  const images = ['a', 'b', 'c', 'd'].map((n) => pngFile(`images/${n}.png`));

  it('stops the build when the spec reads its items from a CSV with no rows', async () => {
    const block = await build(csvSpec, [memoryFile('labels.csv', 'name,label\n'), ...images]);
    expect(block.ok).toBe(false);
    expect(block.problems[0]).toMatchObject({ blocking: true, file: 'labels.csv', message: 'labels.csv has a header (name, label) but no rows' });
  });

  it('stops the build when the CSV is empty', async () => {
    const block = await build(csvSpec, [memoryFile('labels.csv', ''), ...images]);
    expect(block.ok).toBe(false);
    expect(block.problems).toHaveLength(1);
    expect(block.problems[0]).toMatchObject({ blocking: true, file: 'labels.csv', message: 'labels.csv is empty: no header and no rows' });
  });

  it('guesses labels from a header-only CSV, so the build says it has no rows rather than training on the folder name', async () => {
    const files = [memoryFile('labels.csv', 'name,label\n'), ...images];
    const spec = await guessSpec(files);
    expect(spec.items).toMatchObject({ kind: 'csv', csvPath: 'labels.csv', fileColumn: 'name' });
    const block = await build({ ...spec, transforms: small }, files);
    expect(block.ok).toBe(false);
    expect(block.problems[0].message).toBe('labels.csv has a header (name, label) but no rows');
  });

  it('warns about an empty CSV that the spec does not use', async () => {
    const files = [memoryFile('labels.csv', ''), pngFile('train/a/x.png'), pngFile('train/b/y.png'), pngFile('valid/a/z.png'), pngFile('valid/b/w.png')];
    const block = await build(folderSpec, files);
    expect(block.ok).toBe(true);
    expect(warnings(block.problems)).toContainEqual(expect.objectContaining({ file: 'labels.csv', message: 'labels.csv is empty: no header and no rows; labels come from the folders instead' }));
  });
});

describe('a single class (issue 12 #8)', () => {
  it('stops single-label training at build time, naming the one class and why', async () => {
    const block = await build(folderSpec, [pngFile('train/cat/a.png'), pngFile('train/cat/b.png'), pngFile('valid/cat/c.png')]);
    expect(block.ok).toBe(false);
    expect(block.problems).toContainEqual(expect.objectContaining({ blocking: true, field: 'label' }));
    expect(block.problems.find((p) => p.blocking)!.message).toBe(
      'Single-label training needs at least two classes, but every item is labelled "cat" (3 items): a classifier with one class has nothing to tell apart. Add pictures of another class, or check how labels are found.',
    );
  });
});

describe('classes missing from one side of the split (issue 12 #9)', () => {
  it('warns about a class with validation pictures but none to train on', async () => {
    const files = ['train/dog/a.png', 'train/bird/b.png', 'valid/dog/c.png', 'valid/bird/d.png', 'valid/cat/e.png', 'valid/cat/f.png'].map((p) => pngFile(p));
    const block = await build(folderSpec, files);
    expect(block.ok).toBe(true);
    expect(block.problems.filter((p) => p.message.includes('cat')).map((p) => p.message)).toEqual(['Class "cat" has 2 validation pictures but none to train on']);
    expect(allItems(block)).toHaveLength(6);
  });
});

describe('duplicate CSV rows (issue 12 #10)', () => {
  it('keeps the first row of a file and warns with the line numbers of the repeats', async () => {
    const csv = 'name,label\na.png,x\nb.png,y\na.png,x\nc.png,x\nd.png,y\na.png,y\n';
    const files = [memoryFile('labels.csv', csv), ...['a', 'b', 'c', 'd'].map((n) => pngFile(`images/${n}.png`))];
    const block = await build(csvSpec, files);
    expect(block.ok).toBe(true);
    expect(allItems(block)).toEqual(['images/a.png', 'images/b.png', 'images/c.png', 'images/d.png']);
    const a = [...block.train, ...block.valid].find((d) => d.item.path === 'images/a.png')!;
    expect(a.item.line).toBe(2);
    expect(block.problems.filter((p) => /repeats/.test(p.message))).toEqual([
      { level: 'warning', file: 'labels.csv', line: 4, message: 'labels.csv line 4: "images/a.png" repeats line 2; line 2 is kept and this row left out' },
      { level: 'warning', file: 'labels.csv', line: 7, message: 'labels.csv line 7: "images/a.png" repeats line 2; line 2 is kept and this row left out' },
    ]);
  });
});

describe('points outside the picture (issue 12 #11)', () => {
  const pointsSpec: DataBlockSpec = {
    ...csvSpec,
    items: { kind: 'csv', csvPath: 'p.csv', fileColumn: 'image', folder: 'images' },
    label: { kind: 'points', xColumn: 'x', yColumn: 'y' },
    split: { kind: 'random', validPct: 0.5, seed: 3 },
  };
  const csv = 'image,x,y\na.png,1,2\nb.png,-5,3\nc.png,28,28\nd.png,500,4\ne.png,3,28.5\nf.png,0,0\n';
  const files = () => [memoryFile('p.csv', csv), ...['a', 'b', 'c', 'd', 'e', 'f'].map((n) => pngFile(`images/${n}.png`, 28, 28))];

  it('reports each out-of-picture point with its line and skips that item, as for NaN', async () => {
    const block = await build(pointsSpec, files());
    expect(block.ok).toBe(true);
    expect(allItems(block)).toEqual(['images/a.png', 'images/c.png', 'images/f.png']);
    const out = block.problems.filter((p) => /outside/.test(p.message)).sort((a, b) => a.line! - b.line!);
    expect(out.map((p) => [p.line, p.file, p.level])).toEqual([
      [3, 'images/b.png', 'error'],
      [5, 'images/d.png', 'error'],
      [6, 'images/e.png', 'error'],
    ]);
    expect(out[0].message).toBe('line 3: point (-5, 3) for images/b.png is outside its 28x28 picture: skipped');
  });

  it('does the same when the block is too large to keep and only headers are checked', async () => {
    const block = await build({ ...pointsSpec, transforms: { ...small, size: 512 }, batch: { ...pointsSpec.batch, memoryMB: 1 } }, files());
    expect(block.pixels.streamed).toBe(true);
    expect(allItems(block)).toEqual(['images/a.png', 'images/c.png', 'images/f.png']);
    expect(
      block.problems
        .filter((p) => /outside/.test(p.message))
        .map((p) => p.line)
        .sort(),
    ).toEqual([3, 5, 6]);
  });
});

describe('paths that escape the chosen folder (issue 12 #12)', () => {
  it('drops them before anything else, with one warning naming them, and derives no class from them', async () => {
    const evil = ['../evil.png', '/etc/abs.png', '..\\win.png', 'train/../../up.png', 'C:/drive.png'];
    const files = [...['train/cat/a.png', 'train/dog/b.png', 'valid/cat/c.png', 'valid/dog/d.png'].map((p) => pngFile(p)), ...evil.map((p) => pngFile(p))];
    // A batch no larger than the 2 training pictures, so the only problem is the one about the paths.
    const block = await build({ ...folderSpec, batch: { batchSize: 2, seed: 1 } }, files);
    expect(block.ok).toBe(true);
    expect(block.classes).toEqual(['cat', 'dog']);
    expect(allItems(block)).toHaveLength(4);
    expect(block.skipped).toEqual([]);
    const named = block.problems.filter((p) => evil.some((e) => p.message.includes(e)));
    expect(named).toEqual([{ level: 'warning', message: `5 files have paths outside the chosen folder and are ignored: ${evil.join(', ')}` }]);
    expect(block.problems).toHaveLength(1);
  });

  it('keeps the guess from seeing them', async () => {
    const files = [pngFile('../evil.png'), pngFile('cats/a.png'), pngFile('dogs/b.png')];
    const spec = await guessSpec(files);
    expect(spec.items).toEqual({ kind: 'folder' });
    const block = await build({ ...spec, transforms: small, split: { kind: 'random', validPct: 0.5, seed: 1 } }, files);
    expect(block.classes).toEqual(['cats', 'dogs']);
  });
});
