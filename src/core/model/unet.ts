import * as tf from '@tensorflow/tfjs';
import { Seeds, batchNorm, convLayer } from './blocks';
import { bodyStages, cutBackbone, splitStages } from './transfer';
import type { GroupedModel } from './types';

/** Options of `unet`. */
export interface UnetOptions {
  /** Width of the deepest decoder block, halved at each step up (default: body channels / 2). */
  readonly decoderWidth?: number;
  readonly seed?: number;
  readonly name?: string;
}

/** Scales `x` up to `target`'s side: nearest-neighbour by the ceiling factor, then crop the excess. */
function upTo(x: tf.SymbolicTensor, target: number, name: string): tf.SymbolicTensor {
  const side = x.shape[1] as number;
  const f = Math.ceil(target / side);
  let y = tf.layers.upSampling2d({ name: `${name}_up`, size: [f, f] }).apply(x) as tf.SymbolicTensor;
  const extra = side * f - target;
  if (extra > 0) y = tf.layers.cropping2D({ name: `${name}_crop`, cropping: [[0, extra], [0, extra]] }).apply(y) as tf.SymbolicTensor;
  return y;
}

/**
 * fastai's `UnetBlock`, simplified: upsample the deeper features, conv to `width`, concatenate the
 * batch-normed skip connection, then two conv-bn-relu.
 */
function unetBlock(x: tf.SymbolicTensor, skip: tf.SymbolicTensor, width: number, name: string, seeds: Seeds): tf.SymbolicTensor {
  const up = convLayer(upTo(x, skip.shape[1] as number, name), `${name}_upconv`, { filters: width, kernel: 1 }, seeds);
  const s = batchNorm(`${name}_skipbn`).apply(skip) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: `${name}_cat` }).apply([up, s]) as tf.SymbolicTensor;
  return convLayer(convLayer(cat, `${name}_a`, { filters: width }, seeds), `${name}_b`, { filters: width }, seeds);
}

/**
 * A U-Net on an encoder (fastai's `DynamicUnet`): the encoder cut before its pooling, a middle
 * conv pair, one decoder block per encoder resolution with a skip connection from that stage's
 * last layer, a final block at full size that also sees the input (fastai's `last_cross`), and a
 * 1x1 conv to per-pixel class logits `[B, H, W, numClasses]`. Groups: [encoder groups..., decoder].
 * @example const seg = unet(xresnet({ numOut: 1, size: 64 }).model, 12);
 */
export function unet(encoder: tf.LayersModel, numClasses: number, opts: UnetOptions = {}): GroupedModel {
  const { seed = 11, name = 'unet' } = opts;
  const seeds = new Seeds(seed);
  const body = cutBackbone(encoder);
  const input = body.inputs[0];
  const stages = bodyStages(body);
  const bodyLayers = new Set(stages.flat());
  let x = body.outputs[0];
  const channels = x.shape[3] as number;
  let width = opts.decoderWidth ?? Math.max(8, channels / 2);
  x = convLayer(convLayer(x, `${name}_mid1`, { filters: channels * 2 }, seeds), `${name}_mid2`, { filters: channels }, seeds);
  // Skips: the last layer of every stage shallower than the deepest, deepest first.
  const skips = stages.slice(0, -1).map((s) => s[s.length - 1].output as tf.SymbolicTensor).reverse();
  skips.forEach((skip, i) => {
    x = unetBlock(x, skip, width, `${name}_up${i}`, seeds);
    width = Math.max(8, Math.round(width / 2));
  });
  x = unetBlock(x, input, width, `${name}_final`, seeds);
  const out = tf.layers.conv2d({ name: `${name}_logits`, filters: numClasses, kernelSize: 1, kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: `${encoder.name}_unet` });
  const decoder = model.layers.filter((l) => !bodyLayers.has(l) && l.getClassName() !== 'InputLayer');
  return { model, layerGroups: [...splitStages(stages, 2).filter((g) => g.length > 0), decoder] };
}
