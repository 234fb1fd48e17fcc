import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataBlock, makeDataLoaders, type DataBlock } from '../../src/core/data/block';
import type { DataLoaders } from '../../src/core/data/batch';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../../src/core/data/infer';
import type { DataBlockSpec } from '../../src/core/data/types';
import { decodeInNode } from '../../src/io/node/nodeDecode';
import { readFolder } from '../../src/io/node/nodeFiles';

const FOLDER = join(process.cwd(), 'public/samples/mnist_tiny');

/**
 * The studio's data block for the mnist_tiny sample at `size` px: folder items, parent-folder
 * labels, split by the train/valid folders, fastai's default augmentation, ImageNet
 * normalization, batch 64, as a person gets it by loading the sample and setting the size.
 */
export function mnistTinySpec(size = 28, batchSize = 64): DataBlockSpec {
  return { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: { ...DEFAULT_TRANSFORMS, size }, batch: { batchSize, seed: 42 } };
}

let block: Promise<DataBlock> | undefined;

/** The decoded mnist_tiny block (decoded once per process; the size only matters to the loaders). */
export function mnistTinyBlock(): Promise<DataBlock> {
  if (!existsSync(FOLDER)) throw new Error(`${FOLDER} is missing: run \`npm run samples\` first`);
  block ??= buildDataBlock(mnistTinySpec(), { files: readFolder(FOLDER), decode: decodeInNode }).then((b) => {
    if (!b.ok) throw new Error(`mnist_tiny did not build: ${b.problems.map((p) => p.message).join('; ')}`);
    return b;
  });
  return block;
}

/** The studio's loaders over mnist_tiny at `size` px (training batches are shuffled and augmented). */
export async function mnistTinyLoaders(size = 28, batchSize = 64): Promise<DataLoaders> {
  return makeDataLoaders(await mnistTinyBlock(), mnistTinySpec(size, batchSize));
}
