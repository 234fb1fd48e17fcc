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

/** The targets of `head`'s training batches in epoch 0, in the order they come. */
async function epochTargets(head: Learner): Promise<number[]> {
  const out: number[] = [];
  for await (const b of head.dls.train.batches(0)) {
    out.push(...(await b.y.data()));
    tf.dispose([b.x, b.y]);
  }
  return out;
}

describe("the fast path's feature pass", () => {
  it("shuffles the cached features by the data block's batch seed, as the full fit's loader does", async () => {
    const grouped = smallCnn(2, { channels: [4, 8], seed: 1 });
    const learn = new Learner(dls, grouped);
    const orders: number[][] = [];
    for (const seed of [1, 1, 2]) {
      const fast = (await fastHeadLearner(learn, dls.valid, { seed }))!;
      orders.push(await epochTargets(fast.learner));
      fast.dispose();
    }
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).not.toEqual(orders[0]);
    expect([...orders[2]].sort()).toEqual([...orders[0]].sort());
    learn.dispose();
    grouped.model.dispose();
  });

  it('stops between batches when Stop arrives as a task, and frees what it had computed', async () => {
    const grouped = smallCnn(2, { channels: [4, 8], seed: 1 });
    const learn = new Learner(dls, grouped);
    const tensors = tf.memory().numTensors;
    const seen = { batches: 0 };
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 0);
    const err = await fastHeadLearner(learn, counted(dls.train, seen), { signal: ctrl.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelFitError);
    expect(seen.batches).toBeLessThan(dls.train.batchCount);
    expect(tf.memory().numTensors).toBe(tensors);
    learn.dispose();
    grouped.model.dispose();
  });
});
