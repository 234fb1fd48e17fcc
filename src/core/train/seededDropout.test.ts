import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Learner } from './learner';
import { brightnessLoaders } from './testing/synthetic';
import { disposeSnapshot } from './optimizer';
import { restoreWeights, snapshotWeights } from './weights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A flat head with heavy dropout, so two runs with different masks end apart. */
function dropoutModel(size: number): { model: tf.LayersModel; layerGroups: tf.layers.Layer[][] } {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [size, size, 3] }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  return { model, layerGroups: [model.layers] };
}

describe('seeded dropout', () => {
  it('repeats a fit exactly from the same weights, draws other masks in later epochs, and leaves no seed in the saved config', async () => {
    const dls = brightnessLoaders({ nTrain: 64, nValid: 32, size: 6, batchSize: 16, seed: 5 });
    const learn = new Learner(dls, dropoutModel(6));
    const start = snapshotWeights(learn.model);
    const startOpt = learn.opt.snapshot();
    const fitFromStart = async () => {
      restoreWeights(learn.model, start);
      learn.opt.restore(startOpt);
      learn.continueFrom(0);
      await learn.fit(2, 1e-2);
      return learn.recorder.epochs.at(-1)!.validLoss;
    };
    const [a, b] = [await fitFromStart(), await fitFromStart()];
    expect(b).toBe(a);
    // Training goes on from a later epoch: new batches, new masks, a different loss.
    await learn.fit(1, 1e-2);
    expect(learn.recorder.epochs.at(-1)!.validLoss).not.toBe(a);
    const drop = learn.model.layers.find((l) => l.getClassName() === 'Dropout')!;
    expect((drop.getConfig() as { seed?: number }).seed).toBeUndefined();
    tf.dispose(start);
    disposeSnapshot(startOpt);
    learn.dispose();
    learn.model.dispose();
    dls.dispose();
  });
});
