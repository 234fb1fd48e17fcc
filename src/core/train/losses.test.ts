import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceWithLogitsFlat, crossEntropyFlat, lossForTask, mseFlat } from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const num = async (t: tf.Tensor) => (await t.data())[0];

describe('losses', () => {
  it('cross-entropy: -log softmax at the target', async () => {
    const ce = crossEntropyFlat();
    const logits = tf.tensor2d([
      [0, Math.log(3)],
      [0, Math.log(3)],
    ]);
    const y = tf.tensor1d([1, 0], 'int32');
    // softmax = [1/4, 3/4]: losses -ln(3/4) and -ln(1/4)
    expect(Array.from(await ce.perItem(logits, y).data()).map((v) => +v.toFixed(5))).toEqual([0.28768, 1.38629]);
    expect(await num(ce.mean(logits, y))).toBeCloseTo((-Math.log(0.75) - Math.log(0.25)) / 2, 5);
    expect(Array.from(await ce.activation(logits).data()).map((v) => +v.toFixed(5))).toEqual([0.25, 0.75, 0.25, 0.75]);
  });

  it('cross-entropy per pixel for segmentation, averaged per item', async () => {
    const ce = crossEntropyFlat();
    // one image 1x2, 2 classes: pixel 0 logits [0, 0] -> ln 2; pixel 1 [0, ln 3] target 1 -> -ln(3/4)
    const logits = tf.tensor4d([0, 0, 0, Math.log(3)], [1, 1, 2, 2]);
    const y = tf.tensor3d([0, 1], [1, 1, 2], 'int32');
    const expected = (Math.log(2) - Math.log(0.75)) / 2;
    expect(await num(ce.mean(logits, y))).toBeCloseTo(expected, 5);
    const per = ce.perItem(logits, y);
    expect(per.shape).toEqual([1]);
    expect(await num(per)).toBeCloseTo(expected, 5);
  });

  it('BCE with logits: max(x,0) - x z + log(1 + exp(-|x|))', async () => {
    const bce = bceWithLogitsFlat();
    const x = tf.tensor2d([
      [0, 2],
      [-30, 30],
    ]);
    const z = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const per = Array.from(await bce.perItem(x, z).data());
    expect(per[0]).toBeCloseTo((Math.log(2) + 2 + Math.log1p(Math.exp(-2))) / 2, 5);
    // saturated logits stay finite and near 0
    expect(per[1]).toBeCloseTo(0, 6);
    expect(Array.from(await bce.activation(tf.tensor1d([0])).data())).toEqual([0.5]);
  });

  it('MSE and the task defaults', async () => {
    const mse = mseFlat();
    expect(
      await num(
        mse.mean(
          tf.tensor2d([
            [0, 0],
            [1, 1],
          ]),
          tf.tensor2d([
            [0.5, 0],
            [1, -1],
          ]),
        ),
      ),
    ).toBeCloseTo((0.25 + 4) / 4, 6);
    expect(lossForTask('single').name).toBe('cross_entropy');
    expect(lossForTask('segmentation').name).toBe('cross_entropy');
    expect(lossForTask('multi').name).toBe('bce_with_logits');
    expect(lossForTask('points').name).toBe('mse');
  });
});
