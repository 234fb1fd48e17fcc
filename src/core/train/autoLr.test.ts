import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { autoLr, lrCandidates } from './autoLr';
import { Learner } from './learner';
import { lowestLossLr } from './lrFinder';
import { brightnessLoaders, weightValues } from './testing/synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});

describe('lrCandidates', () => {
  it('valley, 3x valley, slide, steepest and minimum/10, between valley/10 and the lowest-loss rate, none within 1.5x of a smaller one', () => {
    expect(lrCandidates({ valley: 1e-3, slide: 5e-2, steep: 1e-4, minimum: 1e-2 }, 1)).toEqual([
      { name: 'steepest', lr: 1e-4 },
      { name: 'valley', lr: 1e-3 },
      { name: '3x valley', lr: 3e-3 },
      { name: 'minimum/10', lr: 1e-2 },
      { name: 'slide', lr: 5e-2 },
    ]);
    // A steepest point far left of the valley (an early dip) is no candidate; nor is slide past the lowest loss.
    expect(lrCandidates({ valley: 1e-2, slide: 0.2, steep: 1.6e-6, minimum: 1.7e-2 }, 0.17).map((c) => c.name)).toEqual(['valley', 'minimum/10', '3x valley']);
    // steepest 1.2e-3 is within 1.5x of valley; 3x valley is past the lowest-loss rate 2e-3.
    expect(lrCandidates({ valley: 1e-3, slide: 1e-3, steep: 1.2e-3, minimum: 1e-4 }, 2e-3).map((c) => c.name)).toEqual(['minimum/10', 'valley']);
    expect(lrCandidates({ valley: 5, slide: 5, steep: 6, minimum: 7 }, 1)).toEqual([{ name: 'valley', lr: 5 }]);
    expect(lowestLossLr([1e-3, 1e-2, 1e-1], [2, NaN, 1.5])).toBe(1e-1);
  });
});

describe('autoLr', () => {
  it('probes each candidate from the same weights, keeps the model, optimizer and history as they were, and picks the lowest validation loss', async () => {
    const dls = brightnessLoaders({ nTrain: 64, nValid: 32, size: 8, batchSize: 16, seed: 3 });
    const learn = new Learner(dls, smallCnn(2, { channels: [4, 8], seed: 2 }));
    await learn.fitOneCycle(1, 1e-2);
    const before = await weightValues(learn.model);
    const rows = learn.recorder.epochs.length;
    const epochsRun = learn.epochsRun;
    const tensors = tf.memory().numTensors;
    // A rate that diverges loses to a sane one.
    const auto = await autoLr(learn, { valley: 3e-3, slide: 3e-3, steep: 1e-3, minimum: 1e4 }, 1e5);
    expect(auto.probes.map((p) => p.name)).toEqual(['steepest', 'valley', '3x valley', 'minimum/10']);
    const best = Math.min(...auto.probes.map((p) => p.validLoss));
    expect(auto.probes.find((p) => p.name === auto.name)!.validLoss).toBeLessThanOrEqual(best * 1.02);
    expect(auto.name).not.toBe('minimum/10');
    expect(auto.reason).toContain('lowest validation loss');
    expect(await weightValues(learn.model)).toEqual(before);
    expect(learn.recorder.epochs.length).toBe(rows);
    expect(learn.epochsRun).toBe(epochsRun);
    expect(tf.memory().numTensors).toBe(tensors);
    learn.dispose();
    learn.model.dispose();
    dls.dispose();
  }, 60_000);

  it('with the fit’s epochs, probes that whole fit and scores it on the whole validation set', async () => {
    const dls = brightnessLoaders({ nTrain: 48, nValid: 40, size: 8, batchSize: 16, seed: 4 });
    const learn = new Learner(dls, smallCnn(2, { channels: [4, 8], seed: 3 }));
    const seen: number[] = [];
    const auto = await autoLr(learn, { valley: 3e-3, slide: 3e-3, steep: 3e-3, minimum: 3e-3 }, 1, { epochs: 2, onProgress: (p) => seen.push(p.epochs) });
    expect(auto.probes).toHaveLength(2); // valley and 3x valley
    expect(Math.max(...seen)).toBe(2);
    expect(auto.reason).toContain('2-epoch fit');
    // The same fit run for real ends at the probe's validation loss (same weights, same batches).
    const chosen = auto.probes.find((p) => p.name === auto.name)!;
    await learn.fitOneCycle(2, chosen.lr);
    expect(learn.recorder.epochs.at(-1)!.validLoss).toBeCloseTo(chosen.validLoss, 4);
    learn.dispose();
    learn.model.dispose();
    dls.dispose();
  }, 60_000);
});
