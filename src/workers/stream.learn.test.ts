import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { memoryFile, readFolder } from '../io/node/nodeFiles';
import { pngBytes } from '../core/data/testing/fixtures';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import type { EpochEvent, WorkerEvent } from './protocol';
import { blockBaselines } from '../core/metrics/testing/blockBaselines';
import { TrainSession } from './trainSession';

beforeAll(() => chooseBackend(['cpu']));

// mnist_tiny needs 2.1 MB decoded; with 1 MB allowed, every batch decodes its pictures again.
const spec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 28, flip: false },
  batch: { batchSize: 64, seed: 1, memoryMB: 1 },
};

describe('training on a streamed block', () => {
  it('learns mnist_tiny (0.35 above the most frequent class) with pictures decoded per batch, tensors flat, results for every validation picture', async () => {
    const rows: EpochEvent[] = [];
    let decodes = 0;
    const tensors: number[] = [];
    const onEvent = (e: WorkerEvent) => {
      if (e.type !== 'epoch') return;
      rows.push(e);
      tensors.push(tf.memory().numTensors);
    };
    const session = new TrainSession((file, hint) => (decodes++, decodeInNode(file, hint)), onEvent);
    // A PNG cut after its header passes the build's check and fails when its batch decodes it.
    const truncated = memoryFile('train/7/truncated.png', pngBytes(28, 28, () => [9, 9, 9]).slice(0, 40));
    const info = await session.setData(spec, [...readFolder('public/samples/mnist_tiny'), truncated]);
    expect(info).toMatchObject({ train: 561, valid: 140 });
    expect(decodes).toBe(0);
    await session.buildLearner({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
    const fit = await session.fit(3, 1e-2, true);
    expect(fit.skipped).toEqual([expect.stringContaining('train/7/truncated.png could not be read as an image')]);
    console.log(JSON.stringify({ streamed: true, decodes, accuracy: rows.map((r) => r.metrics.accuracy) }));
    expect(rows.at(-1)!.metrics.accuracy).toBeGreaterThan(0.9);
    expectBeatsBaseline('streamed mnist_tiny', 'accuracy', rows.at(-1)!.metrics.accuracy, await blockBaselines(spec, readFolder('public/samples/mnist_tiny')), 0.35);
    // Each epoch decodes its training and validation pictures again: the cache holds under half of them.
    expect(decodes).toBeGreaterThan(3 * 701 * 0.5);
    expect(new Set(tensors).size).toBe(1);
    const results = await session.results();
    expect(results.paths).toHaveLength(140);
    expect(results.thumbs.length).toBeGreaterThan(0);
  }, 120_000);
});
