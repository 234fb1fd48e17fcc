import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS, guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import type { EpochEvent, ProgressEvent, WorkerEvent } from './protocol';
import { blockBaselines } from '../core/metrics/testing/blockBaselines';
import { TrainSession } from './trainSession';

beforeAll(async () => {
  await chooseBackend(['cpu']); // with the fast CPU training kernels
});

const spec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 28, flip: false },
  batch: { batchSize: 64, seed: 1 },
};

describe('TrainSession (the worker without the worker)', () => {
  it('builds data and a learner from real files, fits, and posts progress and epoch rows', async () => {
    const events: WorkerEvent[] = [];
    const session = new TrainSession(decodeInNode, (e) => events.push(e));
    const data = await session.setData(spec, readFolder('public/samples/mnist_tiny'));
    expect(data).toEqual({ task: 'single', classes: ['3', '7'], train: 560, valid: 140, size: 28 });
    const info = await session.buildLearner({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
    expect(info.groups.map((g) => g.name)).toEqual(['body 1', 'body 2', 'head']);
    expect(info.groups.reduce((n, g) => n + g.params, 0)).toBe(info.totalParams);
    const frozen = session.freeze(true);
    expect(frozen.groups.map((g) => g.frozen)).toEqual([true, true, false]);
    session.freeze(false);
    const result = await session.fit(1, 1e-2, true);
    expect(result).toMatchObject({ cancelled: false, tensors: expect.any(Number) });
    const rows = events.filter((e): e is EpochEvent => e.type === 'epoch');
    expect(rows).toHaveLength(1);
    expectBeatsBaseline('mnist_tiny after 1 epoch', 'accuracy', rows[0].metrics.accuracy, await blockBaselines(spec, readFolder('public/samples/mnist_tiny')), 0.3);
    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
    expect(progress.flatMap((p) => p.losses)).toHaveLength(9); // every training batch, bundled
    // Every bundle of training batches says how long steps took and how long they waited for data.
    for (const p of progress.filter((e) => e.losses.length > 0)) {
      expect(p.stepMs).toBeGreaterThan(0);
      expect(p.dataWaitMs).toBeGreaterThanOrEqual(0);
    }

    // predict one real validation digit; export, retrain to change the weights, load the export back.
    const seven = readFolder('public/samples/mnist_tiny').find((f) => f.path.startsWith('valid/7/'))!;
    const before = await session.predict(seven);
    expect(before.shape).toEqual([2]);
    expect(before.values[0] + before.values[1]).toBeCloseTo(1, 5);
    const bundle = await session.exportBundle();
    expect(Object.keys(bundle).sort()).toEqual(['README.md', 'model.json', 'studio.json', 'teachable-machine/metadata.json', 'teachable-machine/model.json', 'teachable-machine/weights.bin', 'weights.bin']);
    await session.fit(1, 1e-2, false);
    expect((await session.predict(seven)).values).not.toEqual(before.values);
    await session.loadBundle(bundle);
    expect((await session.predict(seven)).values).toEqual(before.values);
  });

  it('trains, interprets, exports and predicts at a rectangular size (camvid_tiny masks at 24 high x 40 wide)', async () => {
    const files = readFolder('public/samples/camvid_tiny');
    const rect: DataBlockSpec = { ...(await guessSpec(files)), batch: { batchSize: 16, seed: 1 } };
    const sized: DataBlockSpec = { ...rect, transforms: { ...rect.transforms, size: [24, 40] } };
    const session = new TrainSession(decodeInNode, () => {});
    expect((await session.setData(sized, files)).size).toEqual([24, 40]);
    await session.buildLearner({ arch: { kind: 'unet', encoder: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
    await session.fit(1, 1e-2, true);
    const results = await session.results();
    expect([results.height, results.width]).toEqual([24, 40]);
    expect(results.predMasks!.length).toBe(results.count * 24 * 40);
    expect(results.thumbs.every((t) => t.height === 24 && t.width === 40 && t.rgba.length === 24 * 40 * 4)).toBe(true);
    const picture = files.find((f) => f.path.startsWith('images/'))!;
    const predicted = await session.predict(picture);
    expect(predicted.shape).toEqual([24, 40, results.classes.length]);
    // The manifest says [height, width]; an import predicts the same at that shape; no TM copy of a rectangle.
    const bundle = await session.exportBundle();
    expect(JSON.parse(new TextDecoder().decode(bundle['studio.json'])).inputSize).toEqual([24, 40]);
    expect(new TextDecoder().decode(bundle['README.md'])).toContain('`[1, 24, 40, 3]`');
    const other = new TrainSession(decodeInNode, () => {});
    await other.importBundle(bundle);
    expect((await other.predict(picture)).values).toEqual(predicted.values);
  });

  it('exports float16 weights: half the bytes, and the imported model scores what the float32 one does', async () => {
    const files = readFolder('public/samples/mnist_tiny');
    const session = new TrainSession(decodeInNode, () => {});
    await session.setData(spec, files);
    await session.buildLearner({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
    await session.fit(1, 1e-2, true);
    const scoreOf = async (bundle: Record<string, Uint8Array>) => {
      const other = new TrainSession(decodeInNode, () => {});
      await other.setData(spec, files);
      expect((await other.importBundle(bundle)).attached).toBe(true);
      return (await other.validate()).metrics.accuracy;
    };
    const full = await session.exportBundle();
    const half = await session.exportBundle({ float16: true });
    expect(half['weights.bin'].byteLength).toBe(full['weights.bin'].byteLength / 2);
    // Teachable Machine's copy stays float32.
    expect(half['teachable-machine/weights.bin'].byteLength).toBe(full['teachable-machine/weights.bin'].byteLength);
    const [fullAccuracy, halfAccuracy] = [await scoreOf(full), await scoreOf(half)];
    console.log(JSON.stringify({ float16: { bytes: [full['weights.bin'].byteLength, half['weights.bin'].byteLength], accuracy: [fullAccuracy, halfAccuracy] } }));
    expect(Math.abs(halfAccuracy - fullAccuracy)).toBeLessThanOrEqual(1 / 140);
  });

  it('says what is missing when steps are out of order', async () => {
    const session = new TrainSession(decodeInNode, () => {});
    await expect(session.buildLearner({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 })).rejects.toThrow('Build the data block first');
    await expect(session.fit(1, 1e-3, true)).rejects.toThrow('Build the learner first');
  });
});
