import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import type { EpochEvent, WorkerEvent } from './protocol';
import { TrainSession } from './trainSession';

beforeAll(async () => {
  await chooseBackend(['cpu']);
});

const spec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 16, flip: false },
  batch: { batchSize: 64, seed: 1 },
};
const learnerSpec = { arch: { kind: 'smallCnn' as const }, wd: 0.01, thresh: 0.2, beta: 2 };
const files = readFolder('public/samples/mnist_tiny');

async function readySession(events: WorkerEvent[]) {
  const session = new TrainSession(decodeInNode, (e) => events.push(e));
  await session.setData(spec, files);
  await session.buildLearner(learnerSpec);
  return session;
}

describe('the worker session takes one command at a time', () => {
  it('a Stop posted after the first epoch row ends a 40-epoch fit; every other command is refused meanwhile; Fit again then runs', async () => {
    const events: WorkerEvent[] = [];
    const session = await readySession(events);
    const rows = () => events.filter((e): e is EpochEvent => e.type === 'epoch');
    const refusals: string[] = [];
    const stopAfterFirstRow = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (rows().length === 0) return;
        clearInterval(timer);
        resolve();
      }, 0);
    });
    const fit = session.fit(40, 1e-2, true);
    expect(session.running).toBe('fit');
    const refused = (p: Promise<unknown> | (() => unknown)) =>
      (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
        () => 'accepted',
        (e: Error) => (refusals.push(e.message), 'refused'),
      );
    expect(await refused(session.fit(1, 1e-2, true))).toBe('refused');
    expect(await refused(session.lrFind(10))).toBe('refused');
    expect(await refused(session.setData(spec, files))).toBe('refused');
    expect(await refused(session.buildLearner(learnerSpec))).toBe('refused');
    expect(await refused(() => session.freeze(true))).toBe('refused');
    expect(await refused(session.fineTuneFit(1, 1e-2, 1))).toBe('refused');
    expect(refusals[0]).toMatch(/The fit is still running: wait for it to end or press Stop/);
    // The stop arrives as the worker's messages do: as a task, after the first row.
    await stopAfterFirstRow;
    expect(session.stop()).toBe(true);
    expect(await fit).toMatchObject({ cancelled: true, tensors: expect.any(Number) });
    expect(rows().length).toBeLessThanOrEqual(2);
    expect(session.running).toBeNull();
    // Stop, then Fit again: a run of its own that ends done.
    const before = rows().length;
    expect(await session.fit(1, 1e-2, true)).toMatchObject({ cancelled: false, tensors: expect.any(Number) });
    expect(rows().length).toBe(before + 1);
  });

  it('a fit at lr 1000 diverges: it says so, keeps the last good weights, and the learner trains on after it', async () => {
    const events: WorkerEvent[] = [];
    const session = await readySession(events);
    await session.fit(1, 1e-2, true);
    const seven = files.find((f) => f.path.startsWith('valid/7/'))!;
    const good = await session.predict(seven);
    const tensors = tf.memory().numTensors;
    const r = await session.fit(3, 1000, true);
    expect(r.cancelled).toBe(false);
    expect(r.nonFinite).toMatch(/Training diverged.*weights from before this fit were restored.*10x lower/s);
    expect((await session.predict(seven)).values).toEqual(good.values);
    expect(tf.memory().numTensors).toBe(tensors);
    const after = await session.fit(1, 1e-2, true);
    expect(after).toMatchObject({ cancelled: false, tensors: expect.any(Number) });
    expect(await session.validate()).toMatchObject({ metrics: { accuracy: expect.any(Number) } });
  });
});
