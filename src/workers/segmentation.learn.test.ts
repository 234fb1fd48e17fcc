import { beforeAll, describe, expect, it } from 'vitest';
import { guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import type { EpochEvent, WorkerEvent } from './protocol';
import { TrainSession } from './trainSession';

beforeAll(async () => {
  await chooseBackend(['cpu']); // with the fast CPU training kernels
});

describe('learning on camvid_tiny', () => {
  it('a U-Net brings the per-pixel loss well below where it started', async () => {
    const files = readFolder('public/samples/camvid_tiny');
    const guessed = await guessSpec(files);
    const spec: DataBlockSpec = { ...guessed, transforms: { ...guessed.transforms, size: 32, maxWarp: 0, maxRotate: 0 }, batch: { batchSize: 8, seed: 1 } };
    const rows: EpochEvent[] = [];
    const session = new TrainSession(decodeInNode, (e: WorkerEvent) => e.type === 'epoch' && rows.push(e));
    await session.setData(spec, files);
    await session.buildLearner({ arch: { kind: 'unet', encoder: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
    const first = await session.validate();
    await session.fit(3, 5e-2, true);
    const last = rows.at(-1)!;
    console.log(`camvid_tiny CE ${first.validLoss.toFixed(3)} -> ${last.validLoss.toFixed(3)}; pixel accuracy without Void ${last.metrics.acc_no_void.toFixed(3)}, mean IoU ${last.metrics.mean_iou.toFixed(3)}`);
    expect(last.validLoss).toBeLessThan(first.validLoss * 0.5);
    expect(last.metrics.acc_no_void).toBeGreaterThan(0.8);
  }, 300_000);
});
