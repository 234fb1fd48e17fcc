import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, DataLoader, DataLoaders } from '../data/batch';
import { dataBaselines, expectBeatsBaseline } from '../metrics/testing/expectBaseline';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { CancelFitError, NonFiniteLossError, type Callback } from './callback';
import { Learner } from './learner';
import { crossEntropyFlat, type Loss } from './losses';
import { brightnessLoaders, weightValues } from './testing/synthetic';
import { modelFromArtifacts } from './weights';

const dls = brightnessLoaders();
const tiny = (seed = 1) => smallCnn(2, { channels: [4, 8], seed });

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});
afterAll(() => dls.dispose());

/** A callback that hands every event to `f`. */
function spy(f: (event: string, learn: Learner) => void, order = 0): Callback {
  const events = ['beforeFit', 'beforeEpoch', 'beforeBatch', 'afterLoss', 'afterBatch', 'beforeValidate', 'afterValidate', 'afterEpoch', 'afterFit'] as const;
  return { name: 'spy', order, ...Object.fromEntries(events.map((e) => [e, (l: unknown) => f(e, l as Learner)])) };
}

describe('Learner loop', () => {
  it('runs fastai events in order, callbacks sorted by order, and learns (0.3 above the most frequent class)', async () => {
    const seen: string[] = [];
    const learn = new Learner(dls, tiny(), { callbacks: [spy((e) => seen.push(`b:${e}`), 10), spy((e) => seen.push(`a:${e}`), -5)] });
    const progress: number[] = [];
    await learn.fit(2, 1e-2, { onProgress: (p) => progress.push(p.loss) });
    expect(seen.slice(0, 6)).toEqual(['a:beforeFit', 'b:beforeFit', 'a:beforeEpoch', 'b:beforeEpoch', 'a:beforeBatch', 'b:beforeBatch']);
    expect(seen.filter((e) => e === 'a:afterBatch').length).toBe(2 * dls.train.batchCount);
    expect(seen.at(-1)).toBe('b:afterFit');
    const epochs = learn.recorder.epochs;
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(Object.keys(epochs[0].metrics)).toEqual(['error_rate', 'accuracy']);
    expectBeatsBaseline('synthetic brightness', 'accuracy', epochs[1].metrics.accuracy, await dataBaselines(dls), 0.3);
    expect(progress.every((p) => typeof p === 'number')).toBe(true);
    learn.dispose();
  });

  it('lrFind restores every weight, the optimizer and the epoch count exactly, and suggests a finite lr', async () => {
    const learn = new Learner(dls, tiny());
    await learn.fit(1, 1e-3);
    const before = await weightValues(learn.model);
    const name = (learn.model.trainableWeights[0].read() as tf.Variable).name;
    const steps = learn.opt.stepCount(name);
    const res = await learn.lrFind();
    expect(await weightValues(learn.model)).toEqual(before);
    expect(learn.opt.stepCount(name)).toBe(steps);
    // The next fit draws the batches it would have drawn without the finder (autoLr's probes drew them too).
    expect(learn.epochsRun).toBe(1);
    expect(res.lrs.length).toBeGreaterThan(10);
    expect(res.lrs[0]).toBeCloseTo(1e-7, 12);
    const { valley, steep, minimum } = res.suggestions!;
    for (const v of [valley, steep]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(1e-7);
      expect(v).toBeLessThanOrEqual(10);
    }
    // minimum is a tenth of an lr the finder tried
    expect(minimum).toBeGreaterThanOrEqual(1e-8);
    expect(minimum).toBeLessThanOrEqual(1);
    expect(learn.recorder.epochs.length).toBe(1);
    learn.dispose();
  });

  it('spreads [lo, hi] geometrically over the layer groups', async () => {
    const learn = new Learner(dls, tiny());
    const lrs: number[][] = [];
    const rec = spy((e, l) => e === 'afterBatch' && lrs.push(l.opt.hypers.map((h) => h.lr)));
    await learn.fit(1, [1e-4, 1e-2], { callbacks: [rec] });
    expect(lrs[0].map((v) => +v.toPrecision(10))).toEqual([1e-4, 1e-3, 1e-2]);
    const cycle: number[][] = [];
    await learn.fitOneCycle(1, [1e-4, 1e-2], { callbacks: [spy((e, l) => e === 'afterBatch' && cycle.push(l.opt.hypers.map((h) => h.lr)))] });
    // Every group follows the same one-cycle shape, so the ratios stay 10x at each step.
    for (const [a, b, c] of cycle) {
      expect(b / a).toBeCloseTo(10, 6);
      expect(c / b).toBeCloseTo(10, 6);
    }
    expect(cycle[0][2]).toBeCloseTo(1e-2 / 25, 10);
    learn.dispose();
  });

  it('resumes a one-cycle schedule after finished epochs (fastai start_epoch)', async () => {
    const lrsOf = async (startEpoch?: number) => {
      const learn = new Learner(dls, tiny());
      const lrs: number[] = [];
      await learn.fitOneCycle(3, 1e-2, { startEpoch, callbacks: [spy((e, l) => e === 'afterBatch' && lrs.push(l.opt.hypers[0].lr))] });
      learn.dispose();
      return lrs;
    };
    const full = await lrsOf();
    const resumed = await lrsOf(2);
    // The resumed run is the full cycle's last third: same lrs, batch for batch.
    expect(resumed.length).toBe(full.length / 3);
    resumed.forEach((lr, i) => expect(lr).toBeCloseTo(full[full.length - resumed.length + i], 12));
  });

  it('freeze trains the head and batch norm only', async () => {
    const one = brightnessLoaders({ nTrain: 16, batchSize: 16 });
    const learn = new Learner(one, tiny());
    learn.freeze();
    const before = await weightValues(learn.model);
    await learn.fit(1, 1e-2);
    const after = await weightValues(learn.model);
    const changed = (k: string) => after[k].some((v, i) => v !== before[k][i]);
    const keys = Object.keys(before);
    expect(keys.filter((k) => /_b\d_conv\/kernel/.test(k)).map(changed)).toEqual([false, false]);
    expect(keys.filter((k) => /_b\d_bn\/(gamma|beta)/.test(k)).every(changed)).toBe(true);
    expect(keys.filter((k) => /head_fc/.test(k)).every(changed)).toBe(true);
    learn.unfreeze();
    await learn.fit(1, 1e-2);
    const last = await weightValues(learn.model);
    expect(keys.filter((k) => /_b\d_conv\/kernel/.test(k)).every((k) => last[k].some((v, i) => v !== after[k][i]))).toBe(true);
    learn.dispose();
    one.dispose();
  });

  it('a NaN loss rejects with NonFiniteLossError and restores the last good epoch', async () => {
    const ce = crossEntropyFlat();
    let calls = 0;
    const poisoned: Loss = { ...ce, mean: (p, t) => (++calls === dls.train.batchCount + 2 ? ce.mean(p, t).mul(NaN) : ce.mean(p, t)) };
    let good: Record<string, number[]> = {};
    const keep: Callback = { name: 'keep', afterEpoch: async () => void (good = await weightValues(learn.model)) };
    const learn = new Learner(dls, tiny(), { loss: poisoned, callbacks: [keep] });
    const err = await learn.fit(3, 1e-2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).epoch).toBe(1);
    expect((err as NonFiniteLossError).batch).toBe(1);
    expect((err as Error).message).toMatch(/epoch 2, batch 2/);
    expect(await weightValues(learn.model)).toEqual(good);
    expect(learn.recorder.epochs.length).toBe(1);
    learn.dispose();
  });

  it('abort stops at the next batch, keeps weights and history, and resolves cancelled', async () => {
    const ctrl = new AbortController();
    const learn = new Learner(dls, tiny());
    const start = await weightValues(learn.model);
    const stopper = spy((e, l) => e === 'afterBatch' && l.state.trainIter === dls.train.batchCount + 2 && ctrl.abort());
    const res = await learn.fitOneCycle(5, 1e-2, { signal: ctrl.signal, callbacks: [stopper] });
    expect(res.cancelled).toBe(true);
    expect(learn.recorder.epochs.length).toBe(1);
    expect(learn.recorder.batches.length).toBe(dls.train.batchCount + 2);
    expect(await weightValues(learn.model)).not.toEqual(start);
    learn.dispose();
  });

  it('save/load round-trips weights exactly', async () => {
    const learn = new Learner(dls, tiny(1));
    await learn.fit(1, 1e-2);
    const artifacts = await learn.save();
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const p1 = Array.from(await learn.predict(x).data());
    const other = new Learner(dls, tiny(99));
    expect(Array.from(await other.predict(x).data())).not.toEqual(p1);
    other.load(artifacts);
    expect(Array.from(await other.predict(x).data())).toEqual(p1);
    const rebuilt = await modelFromArtifacts(artifacts);
    expect(Array.from(await (rebuilt.predict(x) as tf.Tensor).softmax().data())).toEqual(p1);
    learn.dispose();
    other.dispose();
  });

  it('does not leak tensors across epochs; getPreds matches the validation loss', async () => {
    const counts: number[] = [];
    const learn = new Learner(dls, tiny(), { callbacks: [{ name: 'mem', afterEpoch: () => void counts.push(tf.memory().numTensors) }] });
    await learn.fitOneCycle(3, 1e-2);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[1]);
    const preds = await learn.getPreds();
    expect(preds.probs.shape).toEqual([dls.valid.count, 2]);
    expect(preds.losses.length).toBe(dls.valid.count);
    const mean = preds.losses.reduce((a, b) => a + b, 0) / preds.losses.length;
    expect(mean).toBeCloseTo(learn.recorder.epochs[2].validLoss, 5);
    tf.dispose([preds.probs, preds.targets]);
    learn.dispose();
  });
});

describe('prefetching the next batch', () => {
  /** The loaders with the training loader's `next()` calls counted. */
  function counted(): { dls: DataLoaders; calls: () => number } {
    let calls = 0;
    const train: DataLoader = {
      ...dls.train,
      batches(epoch) {
        const it = dls.train.batches(epoch);
        const wrapped = {
          next: () => (calls++, it.next()),
          return: (v: undefined) => it.return(v),
          throw: (e: unknown) => it.throw(e),
          [Symbol.asyncIterator]: () => wrapped,
        };
        return wrapped as unknown as AsyncGenerator<Batch>;
      },
    };
    return { dls: { ...dls, train }, calls: () => calls };
  }

  async function run(prefetch: boolean) {
    const { dls: data, calls } = counted();
    const asked: number[] = [];
    const losses: number[] = [];
    const learn = new Learner(data, tiny(3), { prefetch, callbacks: [spy((e, l) => e === 'afterLoss' && (asked.push(calls()), losses.push(l.state.loss)))] });
    await learn.fit(2, 1e-2);
    const weights = await weightValues(learn.model);
    learn.dispose();
    return { asked, losses, weights };
  }

  it('asks for batch b+1 before step b reads its loss, and trains exactly as without it', async () => {
    const [plain, ahead] = [await run(false), await run(true)];
    const n = dls.train.batchCount;
    // Within each epoch: without prefetch the loader was asked b+1 times at step b; with it, b+2.
    expect(plain.asked.slice(0, n)).toEqual(Array.from({ length: n }, (_, b) => b + 1));
    expect(ahead.asked.slice(0, n)).toEqual(Array.from({ length: n }, (_, b) => Math.min(b + 2, n + 1)));
    expect(ahead.losses).toEqual(plain.losses);
    expect(ahead.weights).toEqual(plain.weights);
  });

  it('disposes a batch made ahead when the fit stops mid-epoch', async () => {
    const learn = new Learner(dls, tiny(4), { prefetch: true });
    await learn.fit(1, 1e-3);
    const before = tf.memory().numTensors;
    // Stopped after step 1 asked for batch 2 and before it was taken.
    const stopper: Callback = {
      name: 'stopper',
      afterLoss: (l) => {
        if ((l as Learner).state.iter === 1) throw new CancelFitError('stopped');
      },
    };
    const res = await learn.fit(1, 1e-3, { callbacks: [stopper] });
    expect(res.cancelled).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    learn.dispose();
  });
});
