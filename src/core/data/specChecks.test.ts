import { describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { buildDataBlock } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { checkSpecValues } from './specChecks';
import { memoryFile, pngFile } from './testing/fixtures';
import type { DataBlockSpec, Problem, SourceFile } from './types';

// Issue 12: values a person types into the data block's form (or a block JSON for the command
// line) are checked before any file is read; each bad one is a blocking problem naming the field,
// what it allows and what was typed, never a tfjs error later or a silent default.

const files: SourceFile[] = ['a', 'b'].flatMap((c) => Array.from({ length: 6 }, (_, i) => pngFile(`${c}/${i}.png`)));
const base: DataBlockSpec = { ...DEFAULT_SPEC, transforms: { ...DEFAULT_TRANSFORMS, size: 8 }, batch: { batchSize: 4, seed: 1 } };
const build = (spec: DataBlockSpec, fs: readonly SourceFile[] = files) => buildDataBlock(spec, { files: fs, decode: decodeInNode });
const withT = (patch: Partial<DataBlockSpec['transforms']>): DataBlockSpec => ({ ...base, transforms: { ...base.transforms, ...patch } });
const withB = (patch: Partial<DataBlockSpec['batch']>): DataBlockSpec => ({ ...base, batch: { ...base.batch, ...patch } });
const blocking = (ps: readonly Problem[]) => ps.filter((p) => p.blocking);

/** The one blocking problem a bad value gives, after a build that read no file. */
async function rejected(spec: DataBlockSpec): Promise<Problem> {
  let reads = 0;
  const counted = files.map((f) => ({ ...f, path: f.path, size: f.size, read: () => (reads++, f.read()) }));
  const block = await build(spec, counted);
  expect(block.ok).toBe(false);
  expect(reads).toBe(0);
  const b = blocking(block.problems);
  expect(b).toHaveLength(1);
  return b[0];
}

describe('size (transforms.size)', () => {
  it.each([
    [0, 'Size (px) must be a whole number from 8 to 1024, not 0'],
    [-8, 'Size (px) must be a whole number from 8 to 1024, not -8'],
    [2.5, 'Size (px) must be a whole number from 8 to 1024, not 2.5'],
    [5000, 'Size (px) must be a whole number from 8 to 1024, not 5000'],
    [NaN, 'Size (px) must be a whole number from 8 to 1024; it is empty or not a number'],
    [Infinity, 'Size (px) must be a whole number from 8 to 1024, not Infinity'],
  ])('size %s stops the build before reading a file', async (size, message) => {
    expect(await rejected(withT({ size }))).toEqual({ level: 'error', blocking: true, field: 'transforms.size', message });
  });
});

describe('batch size (batch.batchSize)', () => {
  it.each([0, -1, 2.5, NaN, 100000])('batch size %s stops the build', async (batchSize) => {
    const p = await rejected(withB({ batchSize }));
    expect(p.field).toBe('batch.batchSize');
    expect(p.message).toMatch(/^Batch size must be a whole number from 1 to 1024/);
  });

  it('warns, and builds, when the batch is larger than the training set: each epoch is one smaller batch', async () => {
    const block = await build(withB({ batchSize: 512 }));
    expect(block.ok).toBe(true);
    expect(block.problems).toContainEqual({
      level: 'warning',
      field: 'batch.batchSize',
      message: `Batch size 512 is more than the ${block.train.length} training pictures: each epoch is one batch of ${block.train.length}`,
    });
  });
});

describe('seeds', () => {
  it.each([NaN, 2.5, Infinity])('a batch seed of %s stops the build', async (seed) => {
    expect((await rejected(withB({ seed }))).field).toBe('batch.seed');
  });

  it.each([NaN, 2.5])('a split seed of %s stops the build', async (seed) => {
    const p = await rejected({ ...base, split: { kind: 'random', validPct: 0.3, seed } });
    expect(p.field).toBe('split.seed');
    expect(p.message).toMatch(/^Seed must be a whole number/);
  });
});

describe('validation percent (split.validPct)', () => {
  it.each([
    [0, 'Validation % must be more than 0 and less than 100, not 0: with 0 nothing is left to validate on'],
    [1, 'Validation % must be more than 0 and less than 100, not 100: with 100 nothing is left to train on'],
    [-0.1, 'Validation % must be more than 0 and less than 100, not -10'],
    [NaN, 'Validation % must be more than 0 and less than 100; it is empty or not a number'],
  ])('a share of %s stops the build, in the percent the form shows', async (validPct, message) => {
    expect(await rejected({ ...base, split: { kind: 'random', validPct, seed: 1 } })).toEqual({ level: 'error', blocking: true, field: 'split.validPct', message });
  });

  it('says which way to move a percent too small to pick one of the items', async () => {
    const block = await build({ ...base, split: { kind: 'random', validPct: 0.01, seed: 1 } });
    expect(block.ok).toBe(false);
    expect(blocking(block.problems)).toEqual([{ level: 'error', blocking: true, field: 'split.validPct', message: 'Validation % 1 of 12 items picks no validation item: use at least 5%' }]);
  });
});

describe('augmentation amounts', () => {
  it.each([
    ['maxRotate', -10, 'max_rotate (°) must be a number from 0 to 180, not -10'],
    ['maxRotate', 1000, 'max_rotate (°) must be a number from 0 to 180, not 1000'],
    ['maxZoom', 0.5, 'max_zoom must be a number from 1 to 3, not 0.5'],
    ['maxZoom', 100, 'max_zoom must be a number from 1 to 3, not 100'],
    ['maxLighting', 5, 'max_lighting must be a number from 0 to 0.99, not 5'],
    ['maxLighting', -1, 'max_lighting must be a number from 0 to 0.99, not -1'],
    ['maxWarp', 5, 'max_warp must be a number from 0 to 0.9, not 5'],
    ['maxWarp', NaN, 'max_warp must be a number from 0 to 0.9; it is empty or not a number'],
    ['pAffine', 2, 'p_affine must be a number from 0 to 1, not 2'],
  ] as const)('%s = %s stops the build', async (key, value, message) => {
    expect(await rejected(withT({ [key]: value }))).toEqual({ level: 'error', blocking: true, field: `transforms.${key}`, message });
  });
});

it('memory for pictures (batch.memoryMB) of 0 or NaN stops the build', async () => {
  expect((await rejected(withB({ memoryMB: 0 }))).message).toBe('Memory for pictures (MB) must be a whole number from 1 to 16384, not 0');
  expect((await rejected(withB({ memoryMB: NaN }))).field).toBe('batch.memoryMB');
});

describe('the label pattern (label.pattern)', () => {
  const regex = (pattern: string): DataBlockSpec => ({ ...base, label: { kind: 'regex', pattern } });

  it('names an invalid regular expression once, not once per file', async () => {
    const p = await rejected(regex('(\\d+'));
    expect(p.field).toBe('label.pattern');
    expect(p.message).toBe('The label pattern /(\\d+/ is not a valid regular expression: Invalid regular expression: /(\\d+/: Unterminated group');
  });

  it('says a pattern without a capture group has nothing to take the label from', async () => {
    expect((await rejected(regex('.*'))).message).toBe('The label pattern /.*/ has no capture group: put the label part in parentheses, e.g. ^(.+)_\\d+\\.png$');
  });

  it('says an empty pattern is empty', async () => {
    expect((await rejected(regex(''))).message).toBe('The label pattern is empty: write a regular expression whose first group is the label, e.g. ^(.+)_\\d+\\.png$');
  });
});

describe('names typed into the form', () => {
  it.each([
    [{ ...base, label: { kind: 'csvColumn', column: '' } }, 'label.column', 'Label column is empty: type the name of a column of the CSV'],
    [{ ...base, label: { kind: 'points', xColumn: 'x', yColumn: ' ' } }, 'label.yColumn', 'y column is empty: type the name of a column of the CSV'],
    [{ ...base, split: { kind: 'csvColumn', column: '' } }, 'split.column', 'Split column is empty: type the name of a column of the CSV'],
    [{ ...base, split: { kind: 'folder', train: '', valid: 'valid' } }, 'split.train', 'Training folder is empty: type the name of the folder that holds the training pictures'],
    [{ ...base, split: { kind: 'folder', train: 'a', valid: 'a' } }, 'split.valid', 'Training and validation folders are both "a": they must differ'],
    [{ ...base, items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: '' } }, 'items.fileColumn', 'File column is empty: type the name of the CSV column that holds the file names'],
  ] as [DataBlockSpec, string, string][])('%#: an empty or clashing name stops the build, naming the field', async (spec, field, message) => {
    expect(await rejected(spec)).toEqual({ level: 'error', blocking: true, field, message });
  });

  it('lists the CSV columns when the label or split column is not among them', async () => {
    const csv = memoryFile('labels.csv', 'name,label,is_valid\n' + files.map((f, i) => `${f.path},${f.path[0]},${i % 4 === 0}`).join('\n'));
    const spec: DataBlockSpec = { ...base, items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: 'name' }, label: { kind: 'csvColumn', column: 'kind' } };
    const block = await build(spec, [csv, ...files]);
    expect(blocking(block.problems)).toEqual([{ level: 'error', blocking: true, file: 'labels.csv', field: 'label.column', message: 'labels.csv has no column "kind" (columns: name, label, is_valid)' }]);
    const split = await build({ ...spec, label: { kind: 'csvColumn', column: 'label' }, split: { kind: 'csvColumn', column: 'valid' } }, [csv, ...files]);
    expect(blocking(split.problems)).toEqual([{ level: 'error', blocking: true, file: 'labels.csv', field: 'split.column', message: 'labels.csv has no column "valid" (columns: name, label, is_valid)' }]);
  });
});

describe('checkSpecValues', () => {
  it('finds nothing wrong with the defaults', () => {
    expect(checkSpecValues(DEFAULT_SPEC)).toEqual([]);
  });

  it('reports every bad field at once, so the form can be fixed in one go', () => {
    const spec = { ...base, transforms: { ...base.transforms, size: 0, maxRotate: -1 }, batch: { batchSize: 0, seed: 1 } };
    expect(checkSpecValues(spec).map((p) => p.field)).toEqual(['transforms.size', 'transforms.maxRotate', 'batch.batchSize']);
  });

  it('names a value of the wrong type read from a block JSON', () => {
    const spec = { ...base, transforms: { ...base.transforms, size: '64' } } as unknown as DataBlockSpec;
    expect(checkSpecValues(spec)[0].message).toBe('Size (px) must be a whole number from 8 to 1024, not "64"');
  });
});
