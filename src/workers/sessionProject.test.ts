import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS, guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { resultsView } from '../state/resultsView';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import type { AutosaveEvent, EpochEvent, WorkerEvent } from './protocol';
import { blockBaselines } from '../core/metrics/testing/blockBaselines';
import { TrainSession } from './trainSession';

// Results, import, corrections and resume, through the session the worker runs, on real MNIST samples.
beforeAll(async () => {
  await chooseBackend(['cpu']);
});

const mnist = readFolder('public/samples/mnist_tiny');
const spec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 28, flip: false },
  batch: { batchSize: 64, seed: 1 },
};
const learnerSpec = { arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 } as const;

async function trained(events: WorkerEvent[] = []) {
  const session = new TrainSession(decodeInNode, (e) => events.push(e));
  await session.setData(spec, mnist);
  await session.buildLearner(learnerSpec);
  await session.fit(1, 1e-2, true);
  return session;
}

describe('TrainSession after training', () => {
  it('interprets the validation set: confusion matrix, top losses, thumbnails; autosaves each epoch', async () => {
    const events: WorkerEvent[] = [];
    const session = await trained(events);
    const autosaves = events.filter((e): e is AutosaveEvent => e.type === 'autosave');
    expect(autosaves.map((a) => a.epoch)).toEqual([0]);
    expect(Object.keys(autosaves[0].files)).toContain('model.json');
    const r = await session.results();
    expect(r.count).toBe(140);
    expect(r.probs.length).toBe(280);
    expect(r.paths[0]).toMatch(/^valid\/[37]\//);
    const view = resultsView(r, 2);
    if (view.task !== 'single') throw new Error('expected single-label results');
    expect(view.matrix.flat().reduce((a, b) => a + b, 0)).toBe(140);
    // The matrix's accuracy is the learner's own metric on the same predictions.
    const row = events.find((e): e is EpochEvent => e.type === 'epoch')!;
    expect(view.accuracy).toBeCloseTo(row.metrics.accuracy, 5);
    console.log(`mnist_tiny after 1 epoch: confusion ${JSON.stringify(view.matrix)}, accuracy ${view.accuracy.toFixed(3)}, top loss ${view.top[0].loss.toFixed(2)}`);
    expect(view.shown).toHaveLength(9);
    expect(view.top[0].loss).toBeGreaterThanOrEqual(view.top[8].loss);
    // Thumbnails are real pictures: MNIST digits have dark and bright pixels.
    const px = r.thumbs[0].rgba.filter((_, i) => i % 4 === 0);
    expect(Math.max(...px) - Math.min(...px)).toBeGreaterThan(150);
  });

  it('imports an exported bundle into a fresh session: the same predictions, then it trains on matching data', async () => {
    const session = await trained();
    const pictures = mnist.filter((f) => f.path.startsWith('valid/')).slice(0, 5);
    const before = await Promise.all(pictures.map((f) => session.predict(f)));
    const bundle = await session.exportBundle();

    const fresh = new TrainSession(decodeInNode, () => {});
    const info = await fresh.importBundle(bundle);
    expect(info.attached).toBe(false);
    expect(info.manifest.history).toHaveLength(1);
    expect(info.learner.groups.map((g) => g.name)).toEqual(['body 1', 'body 2', 'head']);
    const after = await Promise.all(pictures.map((f) => fresh.predict(f)));
    expect(after.map((p) => p.values)).toEqual(before.map((p) => p.values));
    await expect(fresh.results()).rejects.toThrow('choose the folder again');

    // With its data back, the imported model is the learner again, as good as before export.
    await fresh.setData(spec, mnist);
    const baselines = await blockBaselines(spec, mnist);
    expectBeatsBaseline('mnist_tiny imported', 'accuracy', (await fresh.validate()).metrics.accuracy, baselines, 0.3);
    const resumed: EpochEvent[] = [];
    const more = new TrainSession(decodeInNode, (e) => e.type === 'epoch' && resumed.push(e));
    await more.importBundle(bundle);
    await more.setData(spec, mnist);
    // Resume a 2-epoch cycle after its first epoch: one epoch runs, numbered as the second.
    expect(await more.fit(2, 1e-2, true, 1)).toMatchObject({ cancelled: false, tensors: expect.any(Number) });
    expect(resumed.map((e) => e.epoch)).toEqual([1]);
    expectBeatsBaseline('mnist_tiny resumed', 'accuracy', resumed[0].metrics.accuracy, baselines, 0.4);
  });

  it("resumes a fit from an autosave with its weights and Adam's moments, ending where the uninterrupted fit ends", async () => {
    const events: WorkerEvent[] = [];
    const whole = new TrainSession(decodeInNode, (e) => events.push(e));
    await whole.setData(spec, mnist);
    await whole.buildLearner(learnerSpec);
    await whole.fit(2, 1e-2, true);
    const afterFirst = events.filter((e): e is AutosaveEvent => e.type === 'autosave')[0].files;
    expect(Object.keys(afterFirst)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin']));
    const weightsOf = async (s: TrainSession) => new Float32Array((await s.exportBundle())['weights.bin'].slice().buffer);
    const target = await weightsOf(whole);

    const resumedFrom = async (files: typeof afterFirst) => {
      const s = new TrainSession(decodeInNode, () => {});
      await s.importBundle(files);
      await s.setData(spec, mnist);
      await s.fit(2, 1e-2, true, 1);
      return weightsOf(s);
    };
    const maxDiff = (a: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - target[i])), 0);
    const withMoments = maxDiff(await resumedFrom(afterFirst));
    const { ['optimizer.json']: _index, ['optimizer.bin']: _data, ...weightsOnly } = afterFirst;
    const withoutMoments = maxDiff(await resumedFrom(weightsOnly));
    console.log(JSON.stringify({ resumedWithMoments: withMoments, resumedWithoutTrainingState: withoutMoments }));
    expect(withMoments).toBeLessThan(1e-5);
    expect(withoutMoments).toBeGreaterThan(1e-3);
  });

  it('fine-tunes with a correction: the corrected picture moves toward the label the person gave', async () => {
    const session = await trained();
    const seven = mnist.find((f) => f.path.startsWith('valid/7/'))!;
    const before = await session.predict(seven);
    // A deliberately "wrong" correction (a 7 called 3) makes the effect unmistakable.
    const r = await session.fineTune([{ file: seven, label: '3' }], 1, 1e-2);
    expect(r.cancelled).toBe(false);
    const after = await session.predict(seven);
    console.log(`fine-tune with one correction: P(3) of the corrected 7 went ${before.values[0].toFixed(3)} -> ${after.values[0].toFixed(3)}`);
    expect(after.values[0]).toBeGreaterThan(before.values[0] + 0.05);
    await expect(session.fineTune([{ file: seven, label: 'nine' }], 1, 1e-2)).rejects.toThrow('valid/7/');
  });

  it('a new multi-label threshold changes the metrics and the results', async () => {
    const files = readFolder('public/samples/planet_tiny');
    const planet = { ...(await guessSpec(files)), transforms: { ...DEFAULT_TRANSFORMS, size: 32 } };
    const session = new TrainSession(decodeInNode, () => {});
    await session.setData(planet, files);
    await session.buildLearner(learnerSpec);
    await session.fit(1, 1e-2, true);
    const at02 = (await session.results()).metrics;
    const at05 = await session.setThreshold(0.5);
    expect(at05.valid_loss).toBeCloseTo(at02.valid_loss, 6);
    expect(at05.fbeta).not.toBeCloseTo(at02.fbeta, 6);
    const r = await session.results();
    expect(r.thresh).toBe(0.5);
    expect(r.metrics.fbeta).toBeCloseTo(at05.fbeta, 6);
    console.log(`planet_tiny after 1 epoch: F2 ${at02.fbeta.toFixed(3)} at 0.2, ${at05.fbeta.toFixed(3)} at 0.5`);
    const view = resultsView(r, 2);
    if (view.task !== 'multi') throw new Error('expected multi-label results');
    expect(view.tags.length).toBe(r.classes.length);
    expect(view.sweep.find((p) => Math.abs(p.thresh - 0.5) < 1e-9)!.fbeta).toBeCloseTo(at05.fbeta, 4);
  });
});
