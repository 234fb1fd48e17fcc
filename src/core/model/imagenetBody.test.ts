import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { load as loadNsfwjs } from 'nsfwjs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileLoadHandler } from '../../io/node/modelFiles';
import { serveFolder, type StaticServer } from '../../io/node/staticServer';
import { backboneLoader } from '../../io/backbone';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { buildModel } from './build';
import type { Stats } from '../data/types';
import { MOBILENET_V2 } from './bodies';
import { BODY_BN_MOMENTUM, BODY_UPSCALE, INPUT_ADAPTER, describeBody, findCut, makeBody } from './pretrainedBody';
import { transferModel } from './transfer';
import { countLayerParams } from './types';
import { batchNormInInference } from './batchNormMode';

// The built-in ImageNet body (public/models/mobilenet_v2, converted from the nsfwjs tarball by
// scripts/buildBodies.ts, which `npm test` runs first): the conversion, the cut, the groups and
// the rebuild for other sizes, against nsfwjs's own loading code and a Keras MobileNet v1 topology.
const MODEL_JSON = 'public/models/mobilenet_v2/model.json';
const IMAGENET: Stats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const UNIT: Stats = { mean: [0, 0, 0], std: [1, 1, 1] };

let server: StaticServer;
let url: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
  server = await serveFolder('public');
  url = `${server.url}/${MOBILENET_V2.url}`;
});
afterAll(() => server.close());

/** Two real pictures of the planet sample at `size` px, pixel / 255 (nsfwjs's own scaling). */
function realPictures(size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const pics = ['train_0.png', 'train_1.png'].map((name) => {
      const png = PNG.sync.read(readFileSync(`public/samples/planet_tiny/train/${name}`));
      const rgba = tf.tensor3d(new Uint8Array(png.data), [png.height, png.width, 4]);
      return tf.image.resizeBilinear(rgba.slice([0, 0, 0], [-1, -1, 3]), [size, size]);
    });
    return tf.stack(pics).div(255) as tf.Tensor4D;
  });
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.abs(tf.sub(a, b)).max());
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

describe('the built-in ImageNet MobileNetV2', () => {
  it('is nsfwjs’s model: the converted files predict exactly what nsfwjs’s own loader predicts, and the cut body gives its activations', async () => {
    const nsfw = await loadNsfwjs('MobileNetV2', { size: 224 });
    const ours = await tf.loadLayersModel(fileLoadHandler(MODEL_JSON));
    const x = realPictures(224);
    const [theirs, mine] = [nsfw.model.predict(x) as tf.Tensor, ours.predict(x) as tf.Tensor];
    expect(mine.shape).toEqual([2, 5]);
    expect(await maxAbsDiff(mine, theirs)).toBeLessThan(1e-6);
    // The body at the default cut, rebuilt for any size, with an identity input adapter (data = pixel / 255).
    const cut = MOBILENET_V2.cut!;
    const inner = tf.model({ inputs: (nsfw.model as tf.LayersModel).inputs, outputs: (nsfw.model as tf.LayersModel).getLayer(cut).output as tf.SymbolicTensor });
    const body = await makeBody(ours, { cut, normalization: 'unit', dataStats: UNIT });
    const [want, got] = [inner.predict(x) as tf.Tensor, body.predict(x) as tf.Tensor];
    expect(got.shape).toEqual([2, 14, 14, 576]);
    expect(await maxAbsDiff(got, want)).toBeLessThan(1e-4);
    // Batch norm keeps its running statistics at PyTorch's pace (Keras's 0.999 left a short fine-tune's at ImageNet's).
    const norms = body.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(norms.length).toBeGreaterThan(30);
    expect(norms.every((l) => (l.getConfig() as { momentum?: number }).momentum === BODY_BN_MOMENTUM)).toBe(true);
    tf.dispose([x, theirs, mine, want, got]);
    body.dispose();
    ours.dispose();
    nsfw.model.dispose();
  }, 120_000);

  it('undoes the data block’s normalization: ImageNet-normalized input gives the same features as pixel / 255', async () => {
    const source = await tf.loadLayersModel(fileLoadHandler(MODEL_JSON));
    const [plain, fromImagenet] = [
      await makeBody(source, { normalization: 'unit', dataStats: UNIT, cut: 'block_6_expand_relu' }),
      await makeBody(source, { normalization: 'unit', dataStats: IMAGENET, cut: 'block_6_expand_relu' }),
    ];
    const x = realPictures(64);
    const xImagenet = tf.tidy(() => x.sub(IMAGENET.mean as unknown as number[]).div(IMAGENET.std as unknown as number[]));
    const [a, b] = [plain.predict(x) as tf.Tensor, fromImagenet.predict(xImagenet) as tf.Tensor];
    expect(await maxAbsDiff(a, b)).toBeLessThan(1e-3);
    tf.dispose([x, xImagenet, a, b]);
    [plain, fromImagenet, source].forEach((m) => m.dispose());
  }, 60_000);

  it('as a learner: cut at block_11_expand_relu, two body groups split at stride 8 and a head; any size; small pictures scaled up', async () => {
    const grouped = await buildModel({ kind: 'pretrained', url }, 'single', 3, { height: 96, width: 96, stats: IMAGENET }, backboneLoader);
    const d = describeBody(grouped.model, grouped.layerGroups)!;
    expect(d).toMatchObject({ cut: MOBILENET_V2.cut, channels: 576, upscale: 1 });
    // Two body groups (stem to stride 4 | stride 8 to 16) and the head, as fastai splits a body.
    expect(d.groupStarts).toEqual(['Conv1', 'block_3_depthwise']);
    expect(grouped.layerGroups).toHaveLength(3);
    expect(grouped.layerGroups[2].every((l) => l.name.startsWith('head_'))).toBe(true);
    // The body's batch norm runs in inference mode in the built model; the new head's trains on batches.
    const isBn = (l: tf.layers.Layer) => l.getClassName() === 'BatchNormalization';
    const bodyBns = grouped.layerGroups.slice(0, 2).flat().filter(isBn);
    expect(bodyBns.length).toBeGreaterThan(20);
    expect(bodyBns.every(batchNormInInference)).toBe(true);
    expect(grouped.layerGroups[2].filter(isBn).some(batchNormInInference)).toBe(false);
    // Every ImageNet parameter up to the cut trains (nsfwjs had marked them non-trainable), the scaling never does.
    const bodyParams = grouped.layerGroups.slice(0, 2).reduce((n, g) => n + countLayerParams(g), 0);
    const source = await tf.loadLayersModel(fileLoadHandler(MODEL_JSON));
    const upToCut = tf.model({ inputs: source.inputs, outputs: source.getLayer(d.cut).output as tf.SymbolicTensor });
    // Kernels, BN gammas and betas (not the running statistics) of every source layer up to the cut.
    const sourceParams = upToCut.layers.reduce((n, l) => n + l.weights.filter((w) => !/moving_/.test(w.originalName)).reduce((m, w) => m + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0), 0);
    expect(bodyParams).toBe(sourceParams);
    expect(bodyParams).toBe(362_432);
    source.dispose();
    expect(grouped.model.getLayer(INPUT_ADAPTER).trainableWeights).toHaveLength(0);
    // The same model at 96 and 128 px: 6x6 and 8x8 feature maps at stride 16.
    const features = tf.model({ inputs: grouped.model.inputs, outputs: grouped.model.getLayer(d.cut).output as tf.SymbolicTensor });
    for (const [size, side] of [
      [96, 6],
      [128, 8],
    ]) {
      const y = features.predict(tf.zeros([1, size, size, 3])) as tf.Tensor;
      expect(y.shape).toEqual([1, side, side, 576]);
      y.dispose();
    }
    grouped.model.dispose();
    // 28 px pictures (MNIST-sized) are scaled up 4x inside the model, to 112 px.
    const small = await buildModel({ kind: 'pretrained', url }, 'multi', 4, { height: 28, width: 28, stats: IMAGENET }, backboneLoader);
    expect(describeBody(small.model, small.layerGroups)?.upscale).toBe(4);
    expect(small.model.getLayer(BODY_UPSCALE).getConfig()).toMatchObject({ size: [4, 4], interpolation: 'bilinear' });
    const out = small.model.predict(tf.zeros([2, 28, 28, 3])) as tf.Tensor;
    expect(out.shape).toEqual([2, 4]);
    out.dispose();
    small.model.dispose();
  }, 60_000);
});

/** A Keras MobileNet v1 (alpha 0.25) topology with Keras's layer names, its 1000-class classifier included. */
function kerasMobilenetV1(): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3], name: 'input_1' });
  const convBnRelu = (x: tf.SymbolicTensor, name: string, filters: number, strides: number, depthwise: boolean): tf.SymbolicTensor => {
    const conv = depthwise ? tf.layers.depthwiseConv2d({ name, kernelSize: 3, strides, padding: strides === 1 ? 'same' : 'valid', useBias: false }) : tf.layers.conv2d({ name, filters, kernelSize: 1, useBias: false });
    const padded =
      strides === 2 && depthwise
        ? (tf.layers
            .zeroPadding2d({
              name: `${name.replace('dw', 'pad')}`,
              padding: [
                [0, 1],
                [0, 1],
              ],
            })
            .apply(x) as tf.SymbolicTensor)
        : x;
    const bn = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(conv.apply(padded)) as tf.SymbolicTensor;
    return tf.layers.reLU({ name: `${name}_relu`, maxValue: 6 }).apply(bn) as tf.SymbolicTensor;
  };
  let x = tf.layers
    .zeroPadding2d({
      name: 'conv1_pad',
      padding: [
        [0, 1],
        [0, 1],
      ],
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv1', filters: 8, kernelSize: 3, strides: 2, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'conv1_relu', maxValue: 6 }).apply(tf.layers.batchNormalization({ name: 'conv1_bn' }).apply(x)) as tf.SymbolicTensor;
  const blocks: [number, number][] = [
    [16, 1],
    [32, 2],
    [32, 1],
    [64, 2],
    [64, 1],
    [128, 2],
    [128, 1],
    [128, 1],
    [128, 1],
    [128, 1],
    [128, 1],
    [256, 2],
    [256, 1],
  ];
  blocks.forEach(([filters, strides], i) => {
    x = convBnRelu(x, `conv_dw_${i + 1}`, filters, strides, true);
    x = convBnRelu(x, `conv_pw_${i + 1}`, filters, 1, false);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ name: 'reshape_1', targetShape: [1, 1, 256] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout', rate: 0.001 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv_preds', filters: 1000, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'act_softmax', activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ name: 'reshape_2', targetShape: [1000] }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'mobilenet_0.25_224' });
}

describe('cutting a Keras model the studio does not know', () => {
  it('MobileNet v1: the body ends at conv_pw_13_relu (before the pooling), not at the classifier conv_preds; conv1_pad is no group of its own', async () => {
    const v1 = kerasMobilenetV1();
    expect(findCut(v1)).toBe('conv_pw_13_relu');
    const body = await makeBody(v1, { normalization: 'minusOneOne', dataStats: IMAGENET });
    expect(body.outputs[0].shape).toEqual([null, null, null, 256]);
    const grouped = transferModel(body, 5, { hidden: 32 });
    expect(grouped.layerGroups).toHaveLength(3);
    expect(grouped.layerGroups.map((g) => countLayerParams(g) > 0)).toEqual([true, true, true]);
    expect(grouped.layerGroups[0].map((l) => l.name)).toContain('conv1');
    expect(grouped.layerGroups[0].map((l) => l.name)).toContain('conv1_pad');
    const y = grouped.model.predict(tf.zeros([1, 160, 160, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 5]);
    y.dispose();
    grouped.model.dispose();
    v1.dispose();
  });

  it('a "no top" model is all body; a model with no feature map before its Dense says so', () => {
    const input = tf.input({ shape: [32, 32, 3] });
    const conv = tf.layers.conv2d({ name: 'out_relu', filters: 4, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
    const noTop = tf.model({ inputs: input, outputs: conv, name: 'no_top' });
    expect(findCut(noTop)).toBe('out_relu');
    const flat = tf.layers.flatten({ name: 'flat' }).apply(input) as tf.SymbolicTensor;
    const mlp = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor, name: 'mlp' });
    expect(() => findCut(mlp)).toThrow('"mlp" has no feature map before its layer flat');
    [noTop, mlp].forEach((m) => m.dispose());
  });
});
