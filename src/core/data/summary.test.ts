import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { buildDataBlock } from './block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { countByClass, summarize } from './summary';
import { memoryFile, pngFile } from './testing/fixtures';
import type { DataBlockSpec } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const spec: DataBlockSpec = { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: { ...DEFAULT_TRANSFORMS, size: 8 }, batch: { batchSize: 2, seed: 1 } };

describe('summarize', () => {
  it('walks one item and one batch through every step', async () => {
    const files = ['train/a/1.png', 'train/b/2.png', 'train/a/3.png', 'valid/a/4.png', 'valid/b/5.png'].map((p) => pngFile(p, 12, 10));
    const block = await buildDataBlock(spec, { files, decode: decodeInNode });
    const lines = await summarize(block, spec);
    expect(lines).toEqual([
      'items: 5 items found; 0 other files skipped',
      'labels: 5 items labelled; task single; 2 classes: a, b',
      'split: 3 training, 2 validation',
      'decode: 5 images decoded, 0 skipped',
      'one item: train/a/1.png',
      '  decoded: 12x10 RGBA',
      '  label: a',
      '  resized (crop): 8x8x3 uint8',
      '  target: [0]',
      expect.stringMatching(/^one batch: x float32 \[2, 8, 8, 3\] mean -?\d\.\d{3} std \d\.\d{3}; y int32 \[2\]$/),
      // 3 training items in batches of 2: the lone last item is dropped (batch norm cannot train on one).
      'batches per epoch: 1 training, 1 validation (batch size 2)',
    ]);
    expect(countByClass(block)).toEqual([
      { name: 'a', train: 2, valid: 1 },
      { name: 'b', train: 1, valid: 1 },
    ]);
  });

  it('says where the pipeline stopped', async () => {
    const bad: DataBlockSpec = { ...spec, items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: 'name' } };
    const block = await buildDataBlock(bad, { files: [memoryFile('labels.csv', 'file,label\na.png,x\n')], decode: decodeInNode });
    const lines = await summarize(block, bad);
    expect(lines.at(-1)).toBe('stopped: labels.csv has no column "name" (columns: file, label)');
  });
});
