import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { smallCnn } from '../model/smallCnn';
import { pointsModel, transferModel } from '../model/transfer';
import { unet } from '../model/unet';
import { xresnet } from '../model/xresnet';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { Learner } from './learner';
import { taskLoaders, weightValues } from './testing/synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});

describe('the other lesson-3 tasks train end to end', () => {
  it('multi-label: BCE, accuracy_thresh and fbeta improve', async () => {
    const dls = taskLoaders('multi');
    const learn = new Learner(dls, smallCnn(2, { channels: [8, 16] }));
    await learn.fitOneCycle(4, 2e-2);
    const [first, , , last] = learn.recorder.epochs;
    expect(Object.keys(last.metrics)).toEqual(['accuracy_thresh', 'fbeta']);
    expect(last.validLoss).toBeLessThan(first.validLoss);
    expect(last.metrics.fbeta).toBeGreaterThan(0.8);
    learn.dispose();
    dls.dispose();
  });

  it('segmentation: a U-Net learns the squares; void pixels are ignored', async () => {
    const dls = taskLoaders('segmentation', { n: 32, batchSize: 8 });
    const enc = xresnet({ numOut: 1, stem: [8, 8, 16], channels: [16, 24], name: 'segenc' }).model;
    const learn = new Learner(dls, unet(enc, 3, { name: 'seg' }));
    await learn.fitOneCycle(4, 1e-2);
    const last = learn.recorder.epochs.at(-1)!;
    expect(Object.keys(last.metrics)).toEqual(['acc_no_void', 'dice', 'mean_iou']);
    // All-background scores 0.9 pixel accuracy but only ~0.45 mean IoU, so IoU is the real check.
    expect(last.metrics.acc_no_void).toBeGreaterThan(0.9);
    expect(last.metrics.mean_iou).toBeGreaterThan(0.6);
    const preds = await learn.getPreds();
    expect(preds.probs.shape).toEqual([16, 16, 16, 3]);
    tf.dispose([preds.probs, preds.targets]);
    learn.dispose();
  });

  it('points: MSE falls and the pixel error is reported', async () => {
    const dls = taskLoaders('points');
    const backbone = smallCnn(1, { channels: [8, 16], name: 'ptsbb' }).model;
    // No dropout: with 64 items the default ps makes the few-epoch curve too noisy to assert on.
    const learn = new Learner(dls, pointsModel(backbone, { hidden: 32, ps: 0, name: 'ptshead' }));
    await learn.fitOneCycle(6, 2e-2);
    const [first, last] = [learn.recorder.epochs[0], learn.recorder.epochs[5]];
    expect(Object.keys(last.metrics)).toEqual(['pixel_error']);
    expect(last.validLoss).toBeLessThan(first.validLoss);
    expect(last.metrics.pixel_error).toBeLessThan(first.metrics.pixel_error);
    learn.dispose();
  });

  it('transfer learning: freeze trains the head (and BN) only, unfreeze + [lo, hi] trains all', async () => {
    const dls = taskLoaders('multi');
    const backbone = xresnet({ numOut: 10, stem: [8, 8, 16], channels: [16, 24], name: 'tbb' }).model;
    const learn = new Learner(dls, transferModel(backbone, 2, { hidden: 16, name: 'thead' }));
    learn.freeze();
    const w0 = await weightValues(learn.model);
    await learn.fitOneCycle(1, 1e-2);
    const w1 = await weightValues(learn.model);
    const changed = (a: Record<string, number[]>, b: Record<string, number[]>, re: RegExp) =>
      Object.keys(a).filter((k) => re.test(k)).map((k) => a[k].some((v, i) => v !== b[k][i]));
    expect(changed(w0, w1, /tbb_.*_conv\/kernel/).every((c) => !c)).toBe(true);
    expect(changed(w0, w1, /tbb_.*_bn\/(gamma|beta)/).every(Boolean)).toBe(true);
    expect(changed(w0, w1, /thead_fc/).every(Boolean)).toBe(true);
    learn.unfreeze();
    await learn.fitOneCycle(1, [1e-4, 1e-2]);
    const w2 = await weightValues(learn.model);
    expect(changed(w1, w2, /tbb_.*_conv\/kernel/).every(Boolean)).toBe(true);
    learn.dispose();
    dls.dispose();
  });
});
