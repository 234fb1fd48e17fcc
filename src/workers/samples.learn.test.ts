import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataBlock } from '../core/data/block';
import { DEFAULT_TRANSFORMS, guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { computeMetric } from '../core/metrics/metric';
import { fbeta } from '../core/metrics/multiLabel';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { serveFolder, type StaticServer } from '../io/node/staticServer';
import type { EpochEvent, WorkerEvent } from './protocol';
import { TrainSession } from './trainSession';

// Learning on the real samples (built from MNIST), through the same session the worker runs.
let server: StaticServer;
beforeAll(async () => {
  await chooseBackend(['cpu']);
  // The built-in backbone comes over HTTP, through the same loading code the page uses.
  server = await serveFolder('public');
});
afterAll(() => server.close());

async function train(sample: string, patch: (s: DataBlockSpec) => DataBlockSpec, arch: 'smallCnn' | 'pretrained' | 'unet', epochs: number, lr: number) {
  const files = readFolder(`public/samples/${sample}`);
  const spec = patch(await guessSpec(files));
  const rows: EpochEvent[] = [];
  const session = new TrainSession(decodeInNode, (e: WorkerEvent) => e.type === 'epoch' && rows.push(e));
  await session.setData(spec, files);
  const url = `${server.url}/models/mnist-backbone/model.json`;
  const specs = { smallCnn: { kind: 'smallCnn' }, pretrained: { kind: 'pretrained', url }, unet: { kind: 'unet', encoder: 'smallCnn' } } as const;
  await session.buildLearner({ arch: specs[arch], wd: 0.01, thresh: 0.2, beta: 2 });
  const first = await session.validate();
  await session.fit(epochs, lr, true);
  return { spec, files, rows, first };
}

/** F2 of the best constant guess: the k most frequent training tags for every item, best k. */
async function mostFrequentTagsF2(spec: DataBlockSpec, files: ReturnType<typeof readFolder>): Promise<number> {
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  const n = block.classes.length;
  const freq = new Array(n).fill(0);
  block.train.forEach((d) => d.item.label.kind === 'multi' && d.item.label.ids.forEach((i) => freq[i]++));
  const order = freq.map((f, i) => [f, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const target = tf.tensor2d(block.valid.map((d) => Array.from({ length: n }, (_, c) => (d.item.label.kind === 'multi' && d.item.label.ids.includes(c) ? 1 : 0))));
  let best = 0;
  for (let k = 1; k <= n; k++) {
    const row = Array.from({ length: n }, (_, c) => (order.slice(0, k).includes(c) ? 1 : 0));
    const pred = tf.tensor2d(block.valid.map(() => row));
    best = Math.max(best, await computeMetric(fbeta({ sigmoid: false, thresh: 0.5 }), pred, target));
    pred.dispose();
  }
  target.dispose();
  return best;
}

describe('learning on the samples', () => {
  it('planet_tiny: fine-tuning the MNIST backbone gives an F2 that beats predicting the most frequent tags', async () => {
    // Lesson 3's recipe: a pretrained body, frozen, a new head. Digits are not satellite tiles:
    // a vertical flip turns a 6 into a 9, so no dihedral flips here. At 64 px each digit fills
    // its 32 px quadrant as a 28x28 MNIST digit fills the backbone's input; no rotation, warp,
    // zoom or lighting, which a short run on 320 tiles has no time to learn through.
    const noAugment = { size: 64, flipVert: false, flip: false, maxRotate: 0, maxWarp: 0, maxZoom: 1, maxLighting: 0 };
    const patch = (s: DataBlockSpec): DataBlockSpec => ({ ...s, transforms: { ...s.transforms, ...noAugment }, batch: { batchSize: 32, seed: 1 } });
    const { spec, files, rows } = await train('planet_tiny', patch, 'pretrained', 8, 2e-2);
    const baseline = await mostFrequentTagsF2(spec, files);
    const f2 = rows.at(-1)!.metrics.fbeta;
    console.log(`planet_tiny F2 ${f2.toFixed(3)} vs most-frequent-tags ${baseline.toFixed(3)}`);
    expect(f2).toBeGreaterThan(baseline + 0.15);
  }, 240_000);

  it('headpose_tiny: the point loss falls well below where it started', async () => {
    const patch = (s: DataBlockSpec): DataBlockSpec => ({ ...s, transforms: { ...DEFAULT_TRANSFORMS, ...s.transforms, size: 32, maxRotate: 0, maxWarp: 0 }, batch: { batchSize: 32, seed: 1 } });
    const { rows, first } = await train('headpose_tiny', patch, 'smallCnn', 6, 1e-2);
    console.log(`headpose_tiny MSE ${first.validLoss.toFixed(3)} -> ${rows.at(-1)!.validLoss.toFixed(3)}, pixel error ${first.metrics.pixel_error.toFixed(1)} -> ${rows.at(-1)!.metrics.pixel_error.toFixed(1)}`);
    expect(rows.at(-1)!.validLoss).toBeLessThan(first.validLoss * 0.5);
  }, 240_000);
});

