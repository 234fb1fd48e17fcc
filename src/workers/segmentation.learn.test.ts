import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { serveFolder, type StaticServer } from '../io/node/staticServer';
import type { EpochEvent, WorkerEvent } from './protocol';
import { blockBaselines } from '../core/metrics/testing/blockBaselines';
import { TrainSession } from './trainSession';

let server: StaticServer;
beforeAll(async () => {
  await chooseBackend(['wasm']); // with the studio's gradient kernels: about 8 s an epoch here
  server = await serveFolder('public');
});
afterAll(() => server.close());

/*
 * camvid_tiny's masks label each digit's strokes with its class; Background covers about 95% of
 * the non-void pixels, so Background everywhere scores pixel accuracy 0.949 and mean IoU 0.086.
 * The U-Net from scratch learns strokes from background but not yet which digit a stroke
 * belongs to (bench/QUALITY.md): its pixel accuracy stays at the baseline's (0.946 after 15
 * epochs), while mean IoU rises above it (0.112 after these 10 epochs at 64 px, 3e-3, on wasm, 85 s). So this
 * asserts mean IoU above Background everywhere, and the loss halving, not pixel accuracy.
 * Settings tried before, at 32 px on the CPU backend (pixel accuracy / mean IoU): smallCnn bs 8,
 * 3 epochs, 5e-2: 0.948 / 0.091; 8 epochs, 3e-2: 0.944 / 0.098; bs 4, 6 epochs, 3e-3: 0.937 /
 * 0.115; the MNIST encoder frozen, 4 epochs, 1e-2: 0.932 / 0.110 (0.948 / 0.114 at 64 px, 8 epochs).
 */
const env = (k: string, d: number) => Number(process.env[k] ?? d);
const SIZE = env('SEG_SIZE', 64);
const BS = env('SEG_BS', 8);
const EPOCHS = env('SEG_EPOCHS', 10);
const LR = env('SEG_LR', 3e-3);
const ENC = (process.env.SEG_ENC ?? 'smallCnn') as 'smallCnn' | 'xresnet' | 'pretrained';

describe('learning on camvid_tiny', () => {
  it('a U-Net beats Background everywhere on mean IoU by 0.02 and halves its loss', async () => {
    const files = readFolder('public/samples/camvid_tiny');
    const guessed = await guessSpec(files);
    const spec: DataBlockSpec = { ...guessed, transforms: { ...guessed.transforms, size: SIZE }, batch: { batchSize: BS, seed: 1 } };
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
    expectBeatsBaseline('camvid_tiny', 'mean_iou', last.metrics.mean_iou, baselines, 0.02);
    expect(last.validLoss).toBeLessThan(first.validLoss * 0.5);
  }, 600_000);
});
