import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { autoLr, bestProbe, lrCandidates } from './autoLr';
import { DivergedLossError } from './callback';
import { disposeSnapshot } from './optimizer';
import { restoreWeights, snapshotWeights } from './weights';
import { Learner } from './learner';
import { brightnessLoaders, weightValues } from './testing/synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});

describe('lrCandidates', () => {
  it('valley, 3x valley, slide, steepest and minimum/10, between valley/10 and the lowest loss (10x minimum/10), none within 1.5x of a smaller one', () => {
    expect(lrCandidates({ valley: 1e-3, slide: 5e-2, steep: 1e-4, minimum: 1e-2 })).toEqual([
      { name: 'steepest', lr: 1e-4 },
      { name: 'valley', lr: 1e-3 },
      { name: '3x valley', lr: 3e-3 },
      { name: 'minimum/10', lr: 1e-2 },
      { name: 'slide', lr: 5e-2 },
    ]);
    // A steepest point far left of the valley (an early dip) is no candidate; nor is slide past the lowest loss.
    expect(lrCandidates({ valley: 1e-2, slide: 0.2, steep: 1.6e-6, minimum: 1.7e-2 }).map((c) => c.name)).toEqual(['valley', 'minimum/10', '3x valley', 'rung 1e-1']);
    // steepest 1.2e-3 is within 1.5x of valley; 3x valley is past the lowest loss at 2e-3.
    expect(lrCandidates({ valley: 1e-3, slide: 1e-3, steep: 1.2e-3, minimum: 2e-4 }).map((c) => c.name)).toEqual(['minimum/10', 'valley']);
    expect(lrCandidates({ valley: 5, slide: 5, steep: 6, minimum: 0.4 })).toEqual([{ name: 'valley', lr: 5 }]);
  });

  it('fills gaps wider than 2x up to the lowest loss, and at most two decades above valley, with the rates people type', () => {
    // headpose_tiny, seed 1: the suggestions left 1e-2 to 3e-2, where the best fixed rates were, untried.
    const hp = lrCandidates({ valley: 1.7e-3, slide: 6.9e-2, steep: 1.3e-6, minimum: 4.8e-3 });
    expect(hp.map((c) => c.name)).toEqual(['valley', 'minimum/10', 'rung 1e-2', 'rung 3e-2']);
    // A slide far out on the flat part is tried, but no rungs lead up to it past 100x valley.
    const far = lrCandidates({ valley: 1e-4, slide: 0.5, steep: 1e-4, minimum: 0.1 });
    expect(far.map((c) => Number(c.lr.toPrecision(3)))).toEqual([1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 0.1, 0.5]);
  });

  it('with everyTypedRate, tries every typed rate from valley/3 to 3x the lowest loss, 1.25x or more from a suggestion', () => {
    // fashion_large: the best fixed rate, 1e-1, sat past the lowest loss's 8.3e-2.
    const large = lrCandidates({ valley: 5.2e-3, slide: 2.3e-2, steep: 2.3e-6, minimum: 8.3e-3 }, { everyTypedRate: true });
    expect(large.map((c) => c.name)).toEqual(['rung 3e-3', 'valley', 'minimum/10', '3x valley', 'rung 3e-2', 'rung 1e-1']);
    // fashion_small: valley at 2.1e-3 leaves 3e-3, where the fixed rates peaked, its own probe.
    const small = lrCandidates({ valley: 2.1e-3, slide: 9.1e-3, steep: 7.6e-7, minimum: 2.5e-2 }, { everyTypedRate: true });
    expect(small.map((c) => Number(c.lr.toPrecision(2)))).toEqual([1e-3, 2.1e-3, 3e-3, 6.3e-3, 1e-2, 2.5e-2, 1e-1, 3e-1]);
    // Without it, the same curve gives the suggestions and the gaps' rungs only.
    expect(lrCandidates({ valley: 2.1e-3, slide: 9.1e-3, steep: 7.6e-7, minimum: 2.5e-2 }).map((c) => c.name)).toEqual(['valley', '3x valley', 'minimum/10', 'rung 1e-1']);
  });
});

describe('bestProbe', () => {
  const probe = (lr: number, validLoss: number, metric: number) => ({ name: String(lr), lr, validLoss, metric });
  it('ranks by the metric, breaks ties within 0.5% by the loss, and skips diverged probes', () => {
    expect(bestProbe([probe(1e-3, 0.2, 0.8), probe(1e-2, 0.4, 0.9), probe(1e-1, Infinity, NaN)], false)!.lr).toBe(1e-2);
    expect(bestProbe([probe(1e-3, 0.2, 0.899), probe(1e-2, 0.4, 0.9)], false)!.lr).toBe(1e-3);
    // Lower is better for pixel error.
    expect(bestProbe([probe(1e-3, 0.2, 9), probe(1e-2, 0.4, 7)], true)!.lr).toBe(1e-2);
    // No metric at all: the lowest loss; nothing finished: null.
    expect(bestProbe([probe(1e-3, 0.3, NaN), probe(1e-2, 0.2, NaN)], false)!.lr).toBe(1e-2);
    expect(bestProbe([probe(1e-3, Infinity, NaN)], false)).toBeNull();
  });
});

describe('autoLr', () => {
  it('probes each candidate from the same weights, keeps the model, optimizer and history as they were, and picks the best accuracy', async () => {
    const dls = brightnessLoaders({ nTrain: 64, nValid: 32, size: 8, batchSize: 16, seed: 3 });
    const learn = new Learner(dls, smallCnn(2, { channels: [4, 8], seed: 2 }));
    await learn.fitOneCycle(1, 1e-2);
    const before = await weightValues(learn.model);
    const rows = learn.recorder.epochs.length;
    const epochsRun = learn.epochsRun;
    const tensors = tf.memory().numTensors;
    // A rate that diverges loses to a sane one.
    const auto = await autoLr(learn, { valley: 3e-3, slide: 3e-3, steep: 1e-3, minimum: 1e4 });
    expect(auto.probes.map((p) => p.name)).toEqual(['steepest', 'valley', '3x valley', 'rung 3e-2', 'rung 1e-1', 'rung 3e-1', 'minimum/10']);
    expect(auto.metric).toBe('accuracy');
    const best = Math.max(...auto.probes.filter((p) => Number.isFinite(p.validLoss)).map((p) => p.metric));
    expect(auto.probes.find((p) => p.name === auto.name)!.metric).toBeGreaterThanOrEqual(best * 0.995);
    expect(auto.probes.find((p) => p.name === 'minimum/10')!.validLoss).toBe(Infinity);
    expect(auto.name).not.toBe('minimum/10');
    expect(auto.reason).toContain('best accuracy');
    expect(await weightValues(learn.model)).toEqual(before);
    expect(learn.recorder.epochs.length).toBe(rows);
    expect(learn.epochsRun).toBe(epochsRun);
    expect(tf.memory().numTensors).toBe(tensors);
    learn.dispose();
    learn.model.dispose();
    dls.dispose();
  }, 60_000);

  it('a probe is stopped where its fit would be: diverged exactly at the rates where the fit stops on divergence', async () => {
    const dls = brightnessLoaders({ nTrain: 64, nValid: 32, size: 8, batchSize: 16, seed: 5 });
    const learn = new Learner(dls, smallCnn(2, { channels: [4, 8], seed: 4 }));
    const epochsRun = learn.epochsRun;
    const stoppedAt: number[] = [];
    for (const lr of [0.3, 1, 3, 10, 30]) {
      const probe = await learn.probeLr(lr, { batches: 2 * dls.train.batchCount, validBatches: dls.valid.batchCount });
      const weights = snapshotWeights(learn.model);
      const opt = learn.opt.snapshot();
      const err = await learn.fitOneCycle(2, lr).then(
        () => null,
        (e: unknown) => e,
      );
      if (err instanceof DivergedLossError) stoppedAt.push(lr);
      expect(Number.isFinite(probe.validLoss), `lr ${lr}`).toBe(err === null);
      // Back to the start for the next rate, as the probes are.
      restoreWeights(learn.model, weights);
      learn.opt.restore(opt);
      tf.dispose(weights);
      disposeSnapshot(opt);
      learn.continueFrom(epochsRun);
    }
    // The ladder reaches rates the fit stops at, so the check above compared both outcomes.
    expect(stoppedAt.length).toBeGreaterThan(0);
    expect(stoppedAt.length).toBeLessThan(5);
    learn.dispose();
    learn.model.dispose();
    dls.dispose();
  }, 60_000);

  it('with the fit’s epochs, probes that whole fit and scores it on the whole validation set', async () => {
    const dls = brightnessLoaders({ nTrain: 48, nValid: 40, size: 8, batchSize: 16, seed: 4 });
    const learn = new Learner(dls, smallCnn(2, { channels: [4, 8], seed: 3 }));
    const seen: number[] = [];
    const auto = await autoLr(learn, { valley: 3e-3, slide: 3e-3, steep: 3e-3, minimum: 2.5e-3 }, { epochs: 2, onProgress: (p) => seen.push(p.epochs) });
    expect(auto.probes.map((p) => p.name)).toEqual(['minimum/10', '3x valley']);
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
