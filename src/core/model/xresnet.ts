import * as tf from '@tensorflow/tfjs';
import { Seeds, convLayer, layersWithPrefix } from './blocks';
import type { GroupedModel } from './types';

/** Options of `xresnet`; defaults give a small (~100k parameter) network for browser training. */
export interface XResNetOptions {
  readonly numOut: number;
  /** Filters of the three stem convs (fastai: 32, 32, 64). */
  readonly stem?: readonly [number, number, number];
  /** Filters of each residual stage (fastai: 64, 128, 256, 512; here 32, 48, 64). */
  readonly channels?: readonly number[];
  /** Residual blocks per stage (fastai xresnet18: 2, 2, 2, 2). */
  readonly blocks?: readonly number[];
  /** Dropout before the classifier. */
  readonly dropout?: number;
  readonly seed?: number;
  readonly name?: string;
}

/**
 * fastai's `ResBlock` (expansion 1): act(convs(x) + id(x)), where convs is conv3x3(stride) ->
 * conv3x3 with zero-initialized batch norm, and id is avgpool(2) when strided and a 1x1 conv when
 * the width changes.
 */
function resBlock(x: tf.SymbolicTensor, name: string, filters: number, stride: number, seeds: Seeds): tf.SymbolicTensor {
  const inFilters = x.shape[3];
  const a = convLayer(x, `${name}_c1`, { filters, stride }, seeds);
  const b = convLayer(a, `${name}_c2`, { filters, act: false, zeroBn: true }, seeds);
  let id = x;
  if (stride !== 1) id = tf.layers.averagePooling2d({ name: `${name}_idpool`, poolSize: 2, strides: 2, padding: 'same' }).apply(id) as tf.SymbolicTensor;
  if (inFilters !== filters) id = convLayer(id, `${name}_id`, { filters, kernel: 1, act: false }, seeds);
  const sum = tf.layers.add({ name: `${name}_add` }).apply([b, id]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(sum) as tf.SymbolicTensor;
}

/**
 * A small fastai-style XResNet: a stem of three conv-bn-relu (the first with stride 2), a 3x3
 * stride-2 max pool, residual stages (stride 2 from the second on), global average pooling,
 * dropout and a dense classifier. The input is `[null, null, 3]` (any size; global pooling keeps
 * the head size-independent). Groups follow fastai's `_xresnet_split`: [stem, stages, head].
 * @example const net = xresnet({ numOut: 10 });
 */
export function xresnet(opts: XResNetOptions): GroupedModel {
  const { numOut, stem = [16, 16, 32], channels = [32, 48, 64], blocks = [1, 1, 1], dropout = 0, seed = 42, name = 'xres' } = opts;
  const seeds = new Seeds(seed);
  const input = tf.input({ shape: [null, null, 3], name: `${name}_input` });
  let x = convLayer(input, `${name}_stem0`, { filters: stem[0], stride: 2 }, seeds);
  x = convLayer(x, `${name}_stem1`, { filters: stem[1] }, seeds);
  x = convLayer(x, `${name}_stem2`, { filters: stem[2] }, seeds);
  x = tf.layers.maxPooling2d({ name: `${name}_stage0_maxpool`, poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  channels.forEach((filters, s) => {
    for (let b = 0; b < (blocks[s] ?? 1); b++) x = resBlock(x, `${name}_stage${s}b${b}`, filters, s > 0 && b === 0 ? 2 : 1, seeds);
  });
  let h = tf.layers.globalAveragePooling2d({ name: `${name}_head_pool` }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) h = tf.layers.dropout({ name: `${name}_head_drop`, rate: dropout }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: `${name}_head_fc`, units: numOut, kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }) }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name });
  const layerGroups = [layersWithPrefix(model, `${name}_stem`), layersWithPrefix(model, `${name}_stage`), layersWithPrefix(model, `${name}_head_`)];
  return { model, layerGroups };
}
