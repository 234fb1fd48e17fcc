import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormInInference, keepBatchNormInInference } from './batchNormMode';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** conv -> batch norm, with running statistics far from a batch's own (as ImageNet's are from small digits). */
function convBn(): { model: tf.LayersModel; bn: tf.layers.Layer } {
  const input = tf.input({ shape: [6, 6, 2] });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: 'glorotUniform', name: 'conv' });
  const bn = tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: tf.initializers.constant({ value: 2 }), movingVarianceInitializer: tf.initializers.constant({ value: 4 }) });
  const model = tf.model({ inputs: input, outputs: bn.apply(conv.apply(input)) as tf.SymbolicTensor });
  return { model, bn };
}

describe('keepBatchNormInInference', () => {
  it('makes a training forward pass use the running statistics, keeps them, and still trains scale and shift', async () => {
    const { model, bn } = convBn();
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 3);
    // Before: training mode normalizes by the batch, so it differs from inference.
    const differs = tf.tidy(() => tf.max(tf.abs(tf.sub(model.apply(x, { training: true }) as tf.Tensor, model.apply(x, { training: false }) as tf.Tensor))).dataSync()[0]);
    expect(differs).toBeGreaterThan(0.1);
    expect(keepBatchNormInInference(model.layers)).toBe(1);
    expect(keepBatchNormInInference(model.layers)).toBe(0); // once per layer
    expect(batchNormInInference(bn)).toBe(true);
    expect(batchNormInInference(model.getLayer('conv'))).toBe(false);
    const same = tf.tidy(() => tf.max(tf.abs(tf.sub(model.apply(x, { training: true }) as tf.Tensor, model.apply(x, { training: false }) as tf.Tensor))).dataSync()[0]);
    expect(same).toBe(0);
    // A training step: gamma and beta get gradients and move, the running statistics stay.
    const [gamma, beta, mean, variance] = bn.getWeights().map((w) => w.dataSync().slice());
    const opt = tf.train.sgd(0.5);
    opt.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, 1))) as tf.Scalar);
    const after = bn.getWeights().map((w) => Array.from(w.dataSync()));
    expect(after[0]).not.toEqual(Array.from(gamma));
    expect(after[1]).not.toEqual(Array.from(beta));
    expect(after[2]).toEqual(Array.from(mean));
    expect(after[3]).toEqual(Array.from(variance));
    x.dispose();
    model.dispose();
    opt.dispose();
  });
});
