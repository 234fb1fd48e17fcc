import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFastGradients } from '../model/fastGradients';
import { keepBatchNormInInference } from '../model/batchNormMode';
import { loadWasmBackend, onBackend, randomValues, relativeError } from './testing/wasm';
import { batchNormInferenceWithGrad, batchNormTrainingWithGrad, relu6WithGrad } from './trainingOps';

// The stock tfjs ops on the CPU backend are the reference.
beforeAll(loadWasmBackend);

const BACKENDS = ['cpu', 'wasm'] as const;

describe('relu6WithGrad', () => {
  it.each(BACKENDS)('gives relu then clip to 6 and its gradient on %s, at 0 and 6 too', async (backend) => {
    // Values around and exactly at the kinks.
    const xs = Float32Array.from(randomValues(2 * 5 * 5 * 3, 1), (v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 6 : v * 5 + 3));
    const dy = randomValues(xs.length, 2);
    const run = (b: 'cpu' | 'wasm', fast: boolean) =>
      onBackend(b, () => {
        const x = tf.tensor4d(xs, [2, 5, 5, 3]);
        const d = tf.tensor4d(dy, [2, 5, 5, 3]);
        const f = (t: tf.Tensor) => (fast ? relu6WithGrad(t) : tf.clipByValue(tf.relu(t), 0, 6));
        return [f(x), tf.grad((t: tf.Tensor) => f(t).mul(d).sum())(x)];
      });
    const [[refY, refDx], [y, dx]] = [await run('cpu', false), await run(backend, true)];
    expect(Array.from(y)).toEqual(Array.from(refY));
    // Equal values; a masked element is 0 here where tfjs's multiply by 0 may give -0.
    expect(Array.from(dx, (v) => v + 0)).toEqual(Array.from(refDx, (v) => v + 0));
  });
});

describe('batchNormInferenceWithGrad', () => {
  it.each([
    ['cpu', [2, 5, 4, 6]],
    ['wasm', [2, 5, 4, 6]],
    ['wasm', [3, 7, 9, 16]],
    ['wasm', [4, 10]],
  ] as const)('matches tf.batchNorm and its gradients in x, gamma and beta on %s, shape %j', async (backend, shape) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const c = shape[shape.length - 1];
    const run = (b: 'cpu' | 'wasm', fast: boolean) =>
      onBackend(b, () => {
        const x = tf.tensor(randomValues(n, 3), [...shape]);
        const dy = tf.tensor(randomValues(n, 4), [...shape]);
        const mean = tf.tensor1d(randomValues(c, 5));
        const variance = tf.tensor1d(randomValues(c, 6).map((v) => v * v + 0.1));
        const gamma = tf.tensor1d(randomValues(c, 7));
        const beta = tf.tensor1d(randomValues(c, 8));
        const f = (t: tf.Tensor, g: tf.Tensor, s: tf.Tensor) =>
          fast ? batchNormInferenceWithGrad(t, { mean, variance, gamma: g as tf.Tensor1D, beta: s as tf.Tensor1D, epsilon: 1e-3 }) : tf.batchNorm(t, mean, variance, s as tf.Tensor1D, g as tf.Tensor1D, 1e-3);
        const y = f(x, gamma, beta);
        return [y, ...tf.grads((t: tf.Tensor, g: tf.Tensor, s: tf.Tensor) => f(t, g, s).mul(dy).sum())([x, gamma, beta])];
      });
    const ref = await run('cpu', false);
    const got = await run(backend, true);
    ref.forEach((r, i) => expect(relativeError(got[i], r)).toBeLessThan(1e-5));
  });
});

describe('batchNormTrainingWithGrad', () => {
  it.each([
    ['cpu', [2, 5, 4, 6]],
    ['wasm', [2, 5, 4, 6]],
    ['wasm', [3, 7, 9, 16]],
    ['cpu', [4, 10]],
  ] as const)('matches tf.moments + tf.batchNorm, their gradients in x, gamma and beta, and the statistics on %s, shape %j', async (backend, shape) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const c = shape[shape.length - 1];
    const axes = shape.slice(0, -1).map((_, i) => i);
    const run = (b: 'cpu' | 'wasm', fast: boolean) =>
      onBackend(b, () => {
        // Channels with an offset and a spread of their own, as activations have.
        const x = tf.tensor(
          randomValues(n, 3).map((v, i) => v * (1 + (i % c)) + (i % c) - 2),
          [...shape],
        );
        const dy = tf.tensor(randomValues(n, 4), [...shape]);
        const gamma = tf.tensor1d(randomValues(c, 7));
        const beta = tf.tensor1d(randomValues(c, 8));
        const f = (t: tf.Tensor, g: tf.Tensor, s: tf.Tensor) => {
          if (fast) return batchNormTrainingWithGrad(t, g as tf.Tensor1D, s as tf.Tensor1D, 1e-3);
          const { mean, variance } = tf.moments(t, axes);
          return { y: tf.batchNorm(t, mean, variance, s as tf.Tensor1D, g as tf.Tensor1D, 1e-3), mean, variance };
        };
        const { y, mean, variance } = f(x, gamma, beta);
        return [y, mean, variance, ...tf.grads((t: tf.Tensor, g: tf.Tensor, s: tf.Tensor) => f(t, g, s).y.mul(dy).sum())([x, gamma, beta])];
      });
    const ref = await run('cpu', false);
    const got = await run(backend, true);
    expect(got.length).toBe(6);
    ref.forEach((r, i) => expect(relativeError(got[i], r), `output ${i}`).toBeLessThan(1e-4));
  });
});

/** A conv (linear, no bias) -> inference-mode batch norm -> ReLU6 -> conv with bias, as in MobileNetV2. */
function tinyBody(): tf.LayersModel {
  const input = tf.input({ shape: [9, 9, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) });
  const bn = tf.layers.batchNormalization({ epsilon: 1e-3, gammaInitializer: tf.initializers.randomNormal({ seed: 2, mean: 1 }), movingVarianceInitializer: 'ones' });
  const relu = tf.layers.reLU({ maxValue: 6 });
  const conv2 = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: true, biasInitializer: tf.initializers.randomNormal({ seed: 3 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) });
  const out = conv2.apply(relu.apply(bn.apply(conv.apply(input)))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  keepBatchNormInInference(model.layers);
  return model;
}

/** A conv -> training-mode batch norm (batch statistics) -> ReLU -> conv with bias, as a model from scratch. */
function tinyScratch(): tf.LayersModel {
  const input = tf.input({ shape: [9, 9, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) });
  const bn = tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9, gammaInitializer: tf.initializers.randomNormal({ seed: 2, mean: 1 }) });
  const conv2 = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: true, biasInitializer: tf.initializers.randomNormal({ seed: 3 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) });
  const out = conv2.apply(tf.layers.reLU().apply(bn.apply(conv.apply(input)))) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('useFastGradients', () => {
  it.each(BACKENDS)('leaves a from-scratch step (training-mode batch norm) as it was on %s: loss, gradients, running statistics; in fewer kernels', async (backend) => {
    await tf.setBackend(backend);
    const run = async (fast: boolean) => {
      const model = tinyScratch();
      if (fast) expect(useFastGradients(model.layers)).toBe(3);
      const x = tf.tensor4d(
        randomValues(2 * 9 * 9 * 3, 9).map((v) => v * 4 + 1),
        [2, 9, 9, 3],
      );
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      let out: tf.Tensor[] = [];
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar, vars);
        out = [value, ...vars.map((v) => grads[v.name])];
      });
      const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
      const tensors = [...out, ...bn.getWeights().slice(2)];
      const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([x, ...out]);
      model.dispose();
      return { values, kernels: info.kernels.filter((k) => !k.name.endsWith('__op')).length };
    };
    const [ref, got] = [await run(false), await run(true)];
    // Loss, 5 gradients (2 conv kernels, gamma, beta, a bias), moving mean and variance.
    expect(got.values.length).toBe(8);
    ref.values.forEach((r, i) => expect(relativeError(got.values[i], r), `tensor ${i}`).toBeLessThan(1e-4));
    expect(got.kernels).toBeLessThan(ref.kernels);
  });

  it.each(BACKENDS)("leaves a training step's loss and every gradient as they were on %s", async (backend) => {
    const run = (fast: boolean) =>
      onBackend(backend, () => {
        const model = tinyBody();
        if (fast) expect(useFastGradients(model.layers)).toBe(3);
        const x = tf.tensor4d(
          randomValues(2 * 9 * 9 * 3, 9).map((v) => v * 4),
          [2, 9, 9, 3],
        );
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar, vars);
        const out = [value, ...vars.map((v) => grads[v.name])];
        model.dispose();
        return out;
      });
    const [ref, got] = [await run(false), await run(true)];
    expect(got.length).toBe(ref.length);
    ref.forEach((r, i) => expect(relativeError(got[i], r)).toBeLessThan(1e-5));
  });

  it('computes no filter gradient for a frozen conv', async () => {
    await tf.setBackend('wasm');
    const model = tinyBody();
    useFastGradients(model.layers);
    const x = tf.tensor4d(randomValues(2 * 9 * 9 * 3, 9), [2, 9, 9, 3]);
    // Only batch norm's scale and shift train, as in a frozen body.
    const bnVars = model.layers[2].trainableWeights.map((w) => w.read() as tf.Variable);
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar, bnVars);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const kernels = info.kernels.map((k) => k.name);
    expect(kernels).not.toContain('Conv2DBackpropFilter');
    // The first conv's input gradient (the picture's) is not needed either.
    expect(kernels.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(1);
    tf.dispose(x);
    model.dispose();
  });
});
