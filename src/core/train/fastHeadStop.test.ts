import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataLoader } from '../data/batch';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { CancelFitError } from './callback';
import { fastHeadLearner } from './fastHead';
import { Learner } from './learner';
import { brightnessLoaders } from './testing/synthetic';

const dls = brightnessLoaders();
beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});
afterAll(() => dls.dispose());

/** `loader`, counting the batches drawn from it. */
function counted(loader: DataLoader, seen: { batches: number }): DataLoader {
  return {
    ...loader,
    async *batches(epoch: number) {
      for await (const b of loader.batches(epoch)) {
        seen.batches += 1;
        yield b;
      }
    },
  };
}

describe('the fast path\'s feature pass', () => {
  it('stops between batches when Stop arrives as a task, and frees what it had computed', async () => {
    const grouped = smallCnn(2, { channels: [4, 8], seed: 1 });
    const learn = new Learner(dls, grouped);
    const tensors = tf.memory().numTensors;
    const seen = { batches: 0 };
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 0);
    const err = await fastHeadLearner(learn, counted(dls.train, seen), ctrl.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelFitError);
    expect(seen.batches).toBeLessThan(dls.train.batchCount);
    expect(tf.memory().numTensors).toBe(tensors);
    learn.dispose();
    grouped.model.dispose();
  });
});
