import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileLoadHandler } from '../../io/node/modelFiles';
import { smallCnn } from '../model/smallCnn';
import { transferModel } from '../model/transfer';
import type { GroupedModel } from '../model/types';
import { installBroadcastCpuKernels } from '../tf/broadcastKernels';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { Learner } from './learner';
import { mnistImagenetLoaders } from './testing/mnistImagenet';

// Lesson 3's point about transfer learning, on mnist_tiny-like data (real MNIST 3s and 7s,
// ImageNet-normalized as the studio does): the built-in backbone (trained on all of MNIST by
// scripts/trainBackbone.ts), frozen with a new fastai head, beats the same epochs from scratch.
const BACKBONE = join(process.cwd(), 'public/models/mnist-backbone/model.json');
const EPOCHS = 1;
const LR = 1e-2;
const dls = mnistImagenetLoaders({ digits: [3, 7], nTrain: 300, nValid: 200, batchSize: 16, seed: 3 });

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
  installBroadcastCpuKernels();
});

async function fitAndScore(grouped: GroupedModel, frozen: boolean): Promise<number> {
  const learn = new Learner(dls, grouped);
  if (frozen) learn.freeze();
  await learn.fitOneCycle(EPOCHS, LR);
  const acc = learn.recorder.epochs.at(-1)!.metrics.accuracy;
  learn.dispose();
  grouped.model.dispose();
  return acc;
}

describe('transfer learning with the built-in MNIST backbone (3 vs 7, 300 train / 200 valid)', () => {
  const results: Record<string, number> = {};
  afterAll(() => console.log(JSON.stringify({ epochs: EPOCHS, lr: LR, ...results })));

  it('one frozen epoch of the pretrained body + new head beats one epoch of the small CNN from scratch', async () => {
    const backbone = await tf.loadLayersModel(fileLoadHandler(BACKBONE));
    const t0 = performance.now();
    results.transfer = await fitAndScore(transferModel(backbone, 2, { hidden: 128 }), true);
    results.transferSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    results.scratch = await fitAndScore(smallCnn(2, { channels: [8, 16, 32, 64], seed: 2024, name: 'scratch' }), false);
    results.scratchSeconds = (performance.now() - t1) / 1000;
    expect(results.transfer).toBeGreaterThanOrEqual(0.95);
    expect(results.transfer).toBeGreaterThan(results.scratch);
  });
});
