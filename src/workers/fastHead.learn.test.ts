import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { serveFolder, type StaticServer } from '../io/node/staticServer';
import type { Baseline } from '../core/metrics/baselines';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import type { EpochEvent, WorkerEvent } from './protocol';
import { blockBaselines } from '../core/metrics/testing/blockBaselines';
import { TrainSession } from './trainSession';

// The frozen phase's fast path on real MNIST digits with the built-in pretrained backbone.
let server: StaticServer;
let baselines: Baseline[];
beforeAll(async () => {
  await chooseBackend(['cpu']);
  server = await serveFolder('public');
  baselines = await blockBaselines(spec, readFolder('public/samples/mnist_tiny'));
});
afterAll(() => server.close());

const spec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 28, flip: false },
  batch: { batchSize: 64, seed: 1 },
};

async function pretrainedSession() {
  const rows: EpochEvent[] = [];
  const session = new TrainSession(decodeInNode, (e: WorkerEvent) => e.type === 'epoch' && rows.push(e));
  await session.setData(spec, readFolder('public/samples/mnist_tiny'));
  await session.buildLearner({ arch: { kind: 'pretrained', url: `${server.url}/models/mnist-backbone/model.json` }, wd: 0.01, thresh: 0.2, beta: 2 });
  return { session, rows };
}

describe('fast frozen fit (head on cached body features)', () => {
  it('learns mnist_tiny (0.35 above the most frequent class) and trains the model\u2019s own head', async () => {
    const fast = await pretrainedSession();
    const t0 = performance.now();
    expect(await fast.session.fit(2, 1e-2, true, 0, true)).toMatchObject({ cancelled: false, tensors: expect.any(Number) });
    const fastMs = performance.now() - t0;
    expect(fast.rows).toHaveLength(2);
    expect(fast.rows[1].metrics.accuracy).toBeGreaterThan(0.9);
    expectBeatsBaseline('mnist_tiny fast frozen fit', 'accuracy', fast.rows[1].metrics.accuracy, baselines, 0.35);
    // The full model, body and all, gives what the head learner reported: the head it trained is the model's.
    const whole = await fast.session.validate();
    expect(whole.metrics.accuracy).toBeCloseTo(fast.rows[1].metrics.accuracy, 6);
    expect(whole.validLoss).toBeCloseTo(fast.rows[1].validLoss, 4);

    const full = await pretrainedSession();
    const t1 = performance.now();
    await full.session.fit(2, 1e-2, true);
    const fullMs = performance.now() - t1;
    // Times are printed for the record; speed targets live in bench/, not in tests.
    console.log(JSON.stringify({ fastMs: Math.round(fastMs), fullMs: Math.round(fullMs), fastAccuracy: fast.rows[1].metrics.accuracy, fullAccuracy: full.rows[1].metrics.accuracy }));
    expect(full.rows[1].metrics.accuracy).toBeGreaterThan(0.9);
    expectBeatsBaseline('mnist_tiny full frozen fit', 'accuracy', full.rows[1].metrics.accuracy, baselines, 0.35);
  });

  it('a Stop while the body\u2019s features are computed ends the fit stopped, before any epoch, with no tensor left behind', async () => {
    const { session, rows } = await pretrainedSession();
    const tensors = tf.memory().numTensors;
    const fit = session.fit(2, 1e-2, true, 0, true);
    // The worker gets Stop as a message: a task, read between the feature pass's batches.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(session.stop()).toBe(true);
    expect(await fit).toMatchObject({ cancelled: true });
    expect(rows).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await session.lrFind(20, true).then((r) => r.cancelled)).toBe(false);
  });

  it('auto\u2019s probe of its rate is the fit at that rate: the fit ends at the accuracy the probe reported', async () => {
    const { session, rows } = await pretrainedSession();
    const found = await session.lrFind(30, true, 2);
    const reported = /best accuracy, ([0-9.]+)/.exec(found.auto!.reason);
    expect(reported, found.auto!.reason).not.toBeNull();
    await session.fit(2, found.auto!.lr, true, 0, true);
    // Same weights, same batches, same dropout masks (seeded by epoch and batch): the same result.
    expect(rows[1].metrics.accuracy.toFixed(3)).toBe(reported![1]);
    const probe = found.auto!.probes!.find((p) => p.lr === found.auto!.lr)!;
    expect(rows[1].validLoss).toBeCloseTo(probe.validLoss, 5);
  });

  it('asks for a frozen body first', async () => {
    const { session } = await pretrainedSession();
    session.freeze(false);
    await expect(session.fit(1, 1e-2, true, 0, true)).rejects.toThrow('freeze the body first');
  });
});
