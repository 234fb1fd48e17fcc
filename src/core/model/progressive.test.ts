import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { Learner } from '../train/learner';
import { brightnessLoaders, taskLoaders } from '../train/testing/synthetic';
import { smallCnn } from './smallCnn';
import { pointsModel, transferModel } from './transfer';
import type { GroupedModel } from './types';
import { unet } from './unet';
import { xresnet } from './xresnet';

// Lesson 3's progressive resizing: one learner trains at one size, then keeps training and
// predicting at another. Every model takes `[null, null, 3]`, so nothing is rebuilt.
beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});

type Loaders = ReturnType<typeof brightnessLoaders>;

/** Trains one step at 28 px, checks predictions at 36 and 56, then trains one step at 36. */
async function trainAt28ThenResize(grouped: GroupedModel, loaders: (size: number) => Loaders, outShape: (b: number, size: number) => number[]): Promise<void> {
  const small = loaders(28);
  const learn = new Learner(small, grouped);
  await learn.fit(1, 1e-3);
  expect(learn.recorder.epochs).toHaveLength(1);
  for (const size of [36, 56]) {
    const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', size) as tf.Tensor4D;
    const y = learn.predict(x);
    expect(y.shape).toEqual(outShape(2, size));
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
  }
  const big = loaders(36);
  learn.replaceData(big);
  await learn.fit(1, 1e-3);
  expect(learn.recorder.epochs).toHaveLength(2);
  expect(Number.isFinite(learn.recorder.epochs[1].validLoss)).toBe(true);
  learn.dispose();
  grouped.model.dispose();
  small.dispose();
  big.dispose();
}

// One batch of 8 per step: the point is shapes, not learning.
const single = (size: number) => brightnessLoaders({ size, nTrain: 8, nValid: 4, batchSize: 8 });
const task = (t: 'segmentation' | 'points') => (size: number) => taskLoaders(t, { size, n: 8, batchSize: 8 });

describe('size-agnostic models (progressive resizing)', () => {
  it('smallCnn: trained at 28 px, predicts [B, C] at 36 and 56 px, trains on at 36', async () => {
    await trainAt28ThenResize(smallCnn(2, { name: 'pr_cnn' }), single, (b) => [b, 2]);
  });

  it('xresnet: the same', async () => {
    await trainAt28ThenResize(xresnet({ numOut: 2, name: 'pr_xres' }), single, (b) => [b, 2]);
  });

  it('transfer model (cut body + fastai head) and points model: the same', async () => {
    const backbone = xresnet({ numOut: 10, name: 'pr_bb' }).model;
    await trainAt28ThenResize(transferModel(backbone, 2, { hidden: 16, name: 'pr_head' }), single, (b) => [b, 2]);
    const ptsBackbone = smallCnn(1, { name: 'pr_ptsbb' }).model;
    await trainAt28ThenResize(pointsModel(ptsBackbone, { hidden: 16, name: 'pr_pts' }), task('points'), (b) => [b, 2]);
  });

  it('U-Net: per-pixel logits [B, H, W, C] at 36 and 56 px (not multiples of its stride 16)', async () => {
    const enc = smallCnn(1, { name: 'pr_enc' }).model;
    await trainAt28ThenResize(unet(enc, 3, { name: 'pr_unet' }), task('segmentation'), (b, size) => [b, size, size, 3]);
  });
});
