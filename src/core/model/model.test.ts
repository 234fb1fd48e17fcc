import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { modelFromArtifacts, saveArtifacts } from '../train/weights';
import { createHead } from './head';
import { paramGroups } from './params';
import { smallCnn } from './smallCnn';
import { bodyStages, cutBackbone, pointsModel, stageStrides, transferModel } from './transfer';
import { countParams, groupNames, groupsFromNames, type GroupedModel } from './types';
import { unet } from './unet';
import { xresnet } from './xresnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
});

/** Every layer with weights belongs to exactly one group. */
function expectGroupsCover(g: GroupedModel): void {
  const grouped = g.layerGroups.flat();
  expect(new Set(grouped).size).toBe(grouped.length);
  const weighted = g.model.layers.filter((l) => l.weights.length > 0);
  expect(weighted.every((l) => grouped.includes(l))).toBe(true);
}

function outShape(model: tf.LayersModel, x: tf.Tensor): number[] {
  const y = model.predict(x) as tf.Tensor;
  const shape = y.shape;
  y.dispose();
  return shape;
}

describe('architectures', () => {
  const x28 = tf.randomNormal([2, 28, 28, 3], 0, 1, 'float32', 1);

  it('smallCnn: tiny, 3 groups, logits', () => {
    const g = smallCnn(10);
    expect(countParams(g.model)).toBeGreaterThan(3_000);
    expect(countParams(g.model)).toBeLessThan(100_000);
    expect(g.layerGroups.length).toBe(3);
    expectGroupsCover(g);
    expect(outShape(g.model, x28)).toEqual([2, 10]);
  });

  it('xresnet: stem of 3 convs, residual stages, groups [stem, stages, head], serializes', async () => {
    const g = xresnet({ numOut: 5 });
    expect(g.layerGroups.map((l) => l.length > 0)).toEqual([true, true, true]);
    expect(g.layerGroups[0].filter((l) => l.getClassName() === 'Conv2D').length).toBe(3);
    expect(g.model.layers.filter((l) => l.getClassName() === 'Add').length).toBe(3);
    expect(countParams(g.model)).toBeLessThan(150_000);
    expectGroupsCover(g);
    expect(outShape(g.model, x28)).toEqual([2, 5]);
    const copy = await modelFromArtifacts(await saveArtifacts(g.model));
    const a = g.model.predict(x28) as tf.Tensor;
    const b = copy.predict(x28) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    // groups survive a save/load by layer name
    const regrouped = groupsFromNames(copy, groupNames(g));
    expect(regrouped.layerGroups.map((l) => l.length)).toEqual(g.layerGroups.map((l) => l.length));
    tf.dispose([a, b]);
  });

  it('createHead follows fastai: concat pool, bn, dropout .25, dense, relu, bn, dropout .5, dense', () => {
    const head = createHead(8, 3, { hidden: 16 });
    const input = tf.input({ shape: [4, 4, 8] });
    const model = tf.model({ inputs: input, outputs: head.apply(input) });
    const kinds = head.layers.map((l) => l.getClassName());
    expect(kinds).toEqual(['GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'Concatenate', 'BatchNormalization', 'Dropout', 'Dense', 'ReLU', 'BatchNormalization', 'Dropout', 'Dense']);
    const drops = head.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => (l.getConfig() as { rate: number }).rate);
    expect(drops).toEqual([0.25, 0.5]);
    // 2*8 pooled features -> 16 hidden -> 3 outputs, no bias after batch norm
    expect(head.layers[5].weights.map((w) => w.shape)).toEqual([[16, 16]]);
    expect(outShape(model, tf.ones([2, 4, 4, 8]))).toEqual([2, 3]);
    expect(() => head.apply(tf.input({ shape: [4, 4, 5] }))).toThrow(/expects 8 feature channels/);
  });

  it('cutBackbone ends at the last feature map and shares weights', () => {
    const g = xresnet({ numOut: 5, name: 'cut' });
    const body = cutBackbone(g.model);
    expect(body.outputs[0].shape.length).toBe(4);
    expect(body.layers.some((l) => l.name.includes('head'))).toBe(false);
    expect(body.weights[0].read()).toBe(g.model.weights[0].read());
    // 28 -> 14 (stem) -> 7 (max pool + stage 0) -> 4 -> 2, told by stride since sizes are free
    expect(stageStrides(body)).toEqual([2, 4, 8, 16]);
    expect(bodyStages(body).map((s) => s[0].name)).toEqual(['cut_stem0_conv', 'cut_stage0_maxpool', 'cut_stage1b0_c1_conv', 'cut_stage2b0_c1_conv']);
    expect(body.inputs[0].shape).toEqual([null, null, null, 3]);
  });

  it('transferModel: body groups + new head; freeze leaves body convs alone', () => {
    const backbone = xresnet({ numOut: 5, name: 'bb' }).model;
    const g = transferModel(backbone, 4, { hidden: 32 });
    expect(g.layerGroups.length).toBe(3);
    expectGroupsCover(g);
    expect(outShape(g.model, x28)).toEqual([2, 4]);
    const groups = paramGroups(g);
    expect(groups[2].every((p) => p.variable.name.startsWith('head_'))).toBe(true);
    const pts = pointsModel(backbone, { hidden: 16, name: 'pts' });
    const y = pts.model.predict(x28.mul(100)) as tf.Tensor;
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync()).every((v) => v >= -1 && v <= 1)).toBe(true);
    y.dispose();
  });

  it('unet gives per-pixel logits at full size, for any size (odd stage sizes too), and serializes', async () => {
    const enc = xresnet({ numOut: 1, name: 'enc' }).model;
    const g = unet(enc, 4, { name: 'unet' });
    expect(g.layerGroups.length).toBe(3);
    expectGroupsCover(g);
    expect(g.layerGroups[2].some((l) => l.name.includes('_final_'))).toBe(true);
    // 16 and 32 are multiples of the total stride; 28, 36 and 20 go through the crops
    for (const size of [16, 28, 32, 36, 20]) expect(outShape(g.model, tf.ones([1, size, size, 3]))).toEqual([1, size, size, 4]);
    const copy = await modelFromArtifacts(await saveArtifacts(g.model));
    const x = tf.randomNormal([1, 28, 28, 3], 0, 1, 'float32', 3);
    const [a, b] = [g.model.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    copy.dispose();
  });
});
