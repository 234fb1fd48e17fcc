import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { saveArtifacts } from '../train/weights';
import { splitHead } from './split';
import { transferModel } from './transfer';
import { unet } from './unet';
import { xresnet } from './xresnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});

describe('splitHead', () => {
  it('gives a body and a head whose composition is the model, sharing its head weights', async () => {
    const g = transferModel(xresnet({ numOut: 5, name: 'bb' }).model, 3, { hidden: 16 });
    const split = splitHead(g)!;
    expect(split).not.toBeNull();
    const x = tf.randomNormal([2, 28, 28, 3], 0, 1, 'float32', 5);
    const whole = g.model.predict(x) as tf.Tensor;
    const features = split.body.predict(x) as tf.Tensor;
    const composed = split.head.model.predict(features) as tf.Tensor;
    // The head's concat pool (no weights) runs with the body: the features are pooled vectors.
    expect(features.shape.length).toBe(2);
    const diff = tf.max(tf.abs(tf.sub(whole, composed))).dataSync()[0];
    expect(diff).toBeLessThan(1e-5);
    // The same variables: a change to the head model's weight is the model's.
    const headKernel = split.head.model.getLayer('head_fc2').getWeights()[0];
    expect(g.model.getLayer('head_fc2').getWeights()[0]).toBe(headKernel);
    const headLayers = g.layerGroups.at(-1)!;
    expect(split.head.layerGroups).toEqual([headLayers.filter((l) => !/pool|concat/.test(l.name))]);
    expect(split.head.layerGroups[0].length).toBe(headLayers.length - 3);
    tf.dispose([x, whole, features, composed]);
  });

  it('can split again, and the model still saves as before', async () => {
    const g = transferModel(xresnet({ numOut: 5, name: 'bb2' }).model, 2, { hidden: 8, name: 'h2' });
    const before = JSON.stringify((await saveArtifacts(g.model)).modelTopology);
    expect(splitHead(g)).not.toBeNull();
    expect(splitHead(g)).not.toBeNull();
    expect(JSON.stringify((await saveArtifacts(g.model)).modelTopology)).toBe(before);
  });

  it('declines a head that reads several body tensors (a U-Net decoder)', () => {
    expect(splitHead(unet(xresnet({ numOut: 1, name: 'enc' }).model, 3, { name: 'u' }))).toBeNull();
  });
});
