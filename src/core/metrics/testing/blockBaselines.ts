import { buildDataBlock, makeDataLoaders, plainTrainLoader } from '../../data/block';
import type { DataBlockSpec, SourceFile } from '../../data/types';
import type { Baseline } from '../baselines';
import { dataBaselines } from './dataBaselines';
import { decodeInNode } from '../../../io/node/nodeDecode';

/**
 * The trivial baselines of the data a session trains on: the block built from the same spec and
 * files, training targets from an un-augmented loader over the training items (augmentation moves
 * masks and points), scored on the validation loader.
 */
export async function blockBaselines(spec: DataBlockSpec, files: readonly SourceFile[]): Promise<Baseline[]> {
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  if (!block.ok) throw new Error(block.problems.find((p) => p.blocking)?.message ?? 'the data block could not be built');
  const dls = makeDataLoaders(block, spec);
  return dataBaselines(dls, plainTrainLoader(block, spec));
}
