import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { serveFolder, type StaticServer } from '../io/node/staticServer';
import type { EpochEvent, WorkerEvent } from './protocol';
import { blockBaselines } from './testing/blockBaselines';
import { TrainSession } from './trainSession';

let server: StaticServer;
beforeAll(async () => {
  await chooseBackend(['cpu']); // with the fast CPU training kernels
  server = await serveFolder('public');
});
afterAll(() => server.close());

/*
 * Background everywhere scores pixel accuracy (without Void) 0.949 and mean IoU 0.086 on this
 * split: a U-Net must beat both. It does not yet, in any setting tried within a few minutes on the
 * CPU backend (final epoch, pixel accuracy / mean IoU):
 *   32 px, smallCnn encoder, bs 8, 3 epochs, 5e-2 (these defaults; 68 s): 0.948 / 0.091
 *   32 px, smallCnn, bs 8, 8 epochs, 3e-2 (196 s): 0.944 / 0.098
 *   32 px, smallCnn, bs 4, 6 epochs, 3e-3 (179 s): 0.937 / 0.115
 *   32 px, pretrained MNIST encoder (frozen), bs 8, 4 epochs, 1e-2 (134 s): 0.932 / 0.110
 *   32 px, xresnet encoder, bs 8, 6 epochs, 1e-2 (442 s, machine shared): 0.946 / 0.094
 *   64 px, smallCnn, bs 8, 3 epochs, 3e-3 (495 s, machine shared): 0.423 / 0.061
 * The CE falls (2.57 to 0.25) by learning the Background prior, not the digits. This test stays
 * failing until the model learns them; SEG_SIZE, SEG_BS, SEG_EPOCHS, SEG_LR and SEG_ENC
 * (smallCnn | xresnet | pretrained) override the settings for such experiments.
 */
const env = (k: string, d: number) => Number(process.env[k] ?? d);
const SIZE = env('SEG_SIZE', 32);
const BS = env('SEG_BS', 8);
const EPOCHS = env('SEG_EPOCHS', 3);
const LR = env('SEG_LR', 5e-2);
const ENC = (process.env.SEG_ENC ?? 'smallCnn') as 'smallCnn' | 'xresnet' | 'pretrained';

describe('learning on camvid_tiny', () => {
  it('a U-Net beats Background everywhere: mean IoU by 0.1, pixel accuracy without Void by 0.02', async () => {
    const files = readFolder('public/samples/camvid_tiny');
    const guessed = await guessSpec(files);
    const spec: DataBlockSpec = { ...guessed, transforms: { ...guessed.transforms, size: SIZE, maxWarp: 0, maxRotate: 0 }, batch: { batchSize: BS, seed: 1 } };
    const rows: EpochEvent[] = [];
    const session = new TrainSession(decodeInNode, (e: WorkerEvent) => e.type === 'epoch' && rows.push(e));
    await session.setData(spec, files);
    await session.buildLearner({ arch: { kind: 'unet', encoder: ENC, url: `${server.url}/models/mnist-backbone/model.json` }, wd: 0.01, thresh: 0.2, beta: 2 });
    const first = await session.validate();
    const t0 = performance.now();
    await session.fit(EPOCHS, LR, true);
    const last = rows.at(-1)!;
    console.log(JSON.stringify({ enc: ENC, size: SIZE, bs: BS, epochs: EPOCHS, lr: LR, seconds: (performance.now() - t0) / 1000, rows: rows.map((r) => ({ loss: r.validLoss, ...r.metrics })) }));
    console.log(`camvid_tiny CE ${first.validLoss.toFixed(3)} -> ${last.validLoss.toFixed(3)}`);
    const baselines = await blockBaselines(spec, files);
    expectBeatsBaseline('camvid_tiny', 'mean_iou', last.metrics.mean_iou, baselines, 0.1);
    expectBeatsBaseline('camvid_tiny', 'acc_no_void', last.metrics.acc_no_void, baselines, 0.02);
    expect(last.validLoss).toBeLessThan(first.validLoss * 0.5);
  }, 300_000);
});
