import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramGroups } from '../model/params';
import { smallCnn } from '../model/smallCnn';
import type { GroupedModel } from '../model/types';
import { unet } from '../model/unet';
import { xresnet } from '../model/xresnet';
import { installCpuResizeGrad } from '../tf/cpuResizeGrad';
import { loadWasmBackend, onBackend, randomValues, relativeError } from '../tf/testing/wasm';
import { lossForTask } from './losses';
import { AdamW } from './optimizer';

// One training step of the bigger architectures on wasm, against the CPU backend: the loss and
// every trainable weight's gradient, from the same seeded weights and batch.
beforeAll(async () => {
  await loadWasmBackend();
  // The CPU reference needs the fixed upsampling gradient (the stock one mixes up images).
  installCpuResizeGrad();
});

const B = 4;
const SIZE = 32;
const LR = 1e-2;

/** Loss, then one gradient per trainable weight (model order), then the weights after one AdamW step. */
function step(build: () => GroupedModel, task: 'single' | 'segmentation', numOut: number): tf.Tensor[] {
  const grouped = build();
  const x = tf.tensor4d(randomValues(B * SIZE * SIZE * 3, 11), [B, SIZE, SIZE, 3]);
  const labels = Array.from({ length: task === 'single' ? B : B * SIZE * SIZE }, (_, i) => (i * 7 + 3) % numOut);
  const y = task === 'single' ? tf.tensor1d(labels, 'int32') : tf.tensor3d(labels, [B, SIZE, SIZE], 'int32');
  const vars = grouped.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = lossForTask(task);
  const { value, grads } = tf.variableGrads(() => loss.mean(grouped.model.apply(x, { training: true }) as tf.Tensor, y), vars);
  const ordered = vars.map((v) => grads[v.name]);
  new AdamW(paramGroups(grouped), { lr: LR }).step(grads);
  const after = vars.map((v) => v.clone());
  grouped.model.dispose();
  return [value, ...ordered, ...after];
}

async function compare(build: () => GroupedModel, task: 'single' | 'segmentation', numOut: number) {
  const wasm = await onBackend('wasm', () => step(build, task, numOut));
  const cpu = await onBackend('cpu', () => step(build, task, numOut));
  const n = (wasm.length - 1) / 2;
  const gradError = Math.max(...wasm.slice(1, 1 + n).map((g, i) => relativeError(g, cpu[1 + i])));
  // After one Adam step a weight moves by about lr * g / (|g| + eps): near-zero gradients make
  // that ill-conditioned, so the updated weights are compared in units of the learning rate.
  const updateError = Math.max(...wasm.slice(1 + n).map((w, i) => w.reduce((m, v, j) => Math.max(m, Math.abs(v - cpu[1 + n + i][j])), 0) / LR));
  const finite = wasm.every((t) => t.every(Number.isFinite));
  return { finite, weights: n, loss: [wasm[0][0], cpu[0][0]], gradError, updateError };
}

describe('one training step on wasm matches CPU', () => {
  it('xresnet (stride-2 stem, max pool, residual blocks with avg-pool shortcuts)', async () => {
    const r = await compare(() => xresnet({ numOut: 5, seed: 3 }), 'single', 5);
    console.log(JSON.stringify(r));
    expect(r.finite).toBe(true);
    expect(r.loss[0]).toBeCloseTo(r.loss[1], 5);
    // Tens of stacked convs and batch norms in float32, summed in another order: not bit-equal.
    expect(r.gradError).toBeLessThan(5e-5);
    expect(r.updateError).toBeLessThan(0.05);
  });

  it('a U-Net on a small CNN (upsampling, crops, concatenated skips, per-pixel loss)', async () => {
    const r = await compare(() => unet(smallCnn(2, { seed: 4 }).model, 3, { seed: 5 }), 'segmentation', 3);
    console.log(JSON.stringify(r));
    expect(r.finite).toBe(true);
    expect(r.loss[0]).toBeCloseTo(r.loss[1], 5);
    expect(r.gradError).toBeLessThan(5e-5);
    expect(r.updateError).toBeLessThan(0.05);
  });
});
