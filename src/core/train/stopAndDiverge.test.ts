import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { dataBaselines, expectBeatsBaseline } from '../metrics/testing/expectBaseline';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { loadWasmBackend } from '../tf/testing/wasm';
import { DivergedLossError, type Callback } from './callback';
import { Learner } from './learner';
import { brightnessLoaders, weightValues } from './testing/synthetic';

const dls = brightnessLoaders();
const tiny = (seed = 1) => smallCnn(2, { channels: [4, 8], seed });
afterAll(() => dls.dispose());

const backends = {
  cpu: async () => {
    await tf.setBackend('cpu');
    installFastCpuKernels();
  },
  wasm: loadWasmBackend,
};

describe.each(Object.keys(backends) as (keyof typeof backends)[])('Stop on %s, where every await of the loop is a microtask', (backend) => {
  it('a stop that arrives as a task (a worker message) ends a 40-epoch fit within a batch', async () => {
    await backends[backend]();
    expect(tf.getBackend()).toBe(backend);
    const ctrl = new AbortController();
    let batches = 0;
    let batchesAtStop = -1;
    // The worker receives Stop as a message: a task, which runs only when the loop yields to the event loop.
    const stopper: Callback = {
      name: 'stopper',
      afterBatch: () => {
        batches += 1;
        if (batches === 3) setTimeout(() => ((batchesAtStop = batches), ctrl.abort()), 0);
      },
    };
    const learn = new Learner(dls, tiny(), { callbacks: [stopper] });
    const res = await learn.fitOneCycle(40, 1e-2, { signal: ctrl.signal });
    expect(res.cancelled).toBe(true);
    expect(batchesAtStop).toBeGreaterThanOrEqual(3);
    // The batch running when the message arrived finishes; no other starts.
    expect(batches - batchesAtStop).toBeLessThanOrEqual(1);
    expect(batches).toBeLessThan(dls.train.batchCount * 2);
    learn.dispose();
  });
});

describe('a diverging fit', () => {
  it('at lr 1000 stops with DivergedLossError, restores weights and optimizer state, and a sane fit after it learns', async () => {
    await backends.cpu();
    const learn = new Learner(dls, tiny());
    await learn.fit(1, 1e-2);
    const good = await weightValues(learn.model);
    const goodMoments = learn.opt.exportMoments();
    const err = await learn.fitOneCycle(3, 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergedLossError);
    expect((err as Error).message).toMatch(/diverged.*from before this fit.*10x lower/s);
    expect(await weightValues(learn.model)).toEqual(good);
    expect(learn.opt.exportMoments()).toEqual(goodMoments);
    await learn.fitOneCycle(2, 1e-2);
    expectBeatsBaseline('synthetic brightness after a diverged fit', 'accuracy', learn.recorder.epochs.at(-1)!.metrics.accuracy, await dataBaselines(dls), 0.3);
    learn.dispose();
  });

  it('names the last completed epoch it restored when the blow-up comes later', async () => {
    await backends.cpu();
    let epochs = 0;
    // A fit whose rate jumps to 1000 after its first epoch.
    const jump: Callback = {
      name: 'jump',
      order: 100,
      afterEpoch: () => void (epochs += 1),
      beforeBatch: (l) =>
        void (
          epochs >= 1 &&
          l.opt.setHyper(
            'lr',
            l.opt.hypers.map(() => 1000),
          )
        ),
    };
    const learn = new Learner(dls, tiny(), { callbacks: [jump] });
    const err = await learn.fit(3, 1e-2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergedLossError);
    expect((err as Error).message).toMatch(/weights of epoch 1 were restored/);
    expect(learn.recorder.epochs.length).toBe(1);
    learn.dispose();
  });
});
