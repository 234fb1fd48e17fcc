import * as tf from '@tensorflow/tfjs';
import { Seeds, batchNorm, convLayer } from './blocks';
import { bodyStages, cutBackbone, splitStages, stageStrides } from './transfer';
import type { GroupedModel } from './types';

/** Options of `unet`. */
export interface UnetOptions {
  /** Width of the deepest decoder block, halved at each step up (default: body channels / 2). */
  readonly decoderWidth?: number;
  readonly seed?: number;
  readonly name?: string;
}

/**
 * Crops (or, one short, pads) a feature map `[x, ref]` to `ref`'s height and width (top-left corner kept), at run time:
 * the sizes are unknown when a size-agnostic model is built. Slicing has a gradient on every
 * backend (it is a pad). Registered for serialization, so saved U-Nets load again.
 */
export class CropToMatch extends tf.layers.Layer {
  static className = 'CropToMatch';

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [x, ref] = inputShape as tf.Shape[];
    return [x[0], ref[1], ref[2], x[3]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, ref] = inputs as tf.Tensor[];
    const [h, w] = [ref.shape[1] as number, ref.shape[2] as number];
    const [xh, xw] = [x.shape[1] as number, x.shape[2] as number];
    // A no-op slice when the sizes already agree (sizes divisible by the total stride).
    const cropped = tf.slice(x, [0, 0, 0, 0], [-1, Math.min(h, xh), Math.min(w, xw), -1]);
    // Keras bodies ('valid' stride-2 convs) floor odd sides, so the upsampled map can fall one
    // short: zeros fill the last row/column.
    return xh >= h && xw >= w
      ? cropped
      : tf.pad(cropped, [
          [0, 0],
          [0, Math.max(0, h - xh)],
          [0, Math.max(0, w - xw)],
          [0, 0],
        ]);
  }
}
tf.serialization.registerClass(CropToMatch);

/**
 * Scales `x` up by `factor` (nearest neighbour), then crops to `target`'s side. With 'same'
 * padding a stride-s stage has side ceil(H / s), so factor * deeper side >= shallower side and
 * the crop only ever drops the one extra row/column an odd side leaves.
 */
function upTo(x: tf.SymbolicTensor, target: tf.SymbolicTensor, factor: number, name: string): tf.SymbolicTensor {
  const y = factor > 1 ? (tf.layers.upSampling2d({ name: `${name}_up`, size: [factor, factor] }).apply(x) as tf.SymbolicTensor) : x;
  return new CropToMatch({ name: `${name}_crop` }).apply([y, target]) as tf.SymbolicTensor;
}

/**
 * fastai's `UnetBlock`, simplified: upsample the deeper features, conv to `width`, concatenate the
 * batch-normed skip connection, then two conv-bn-relu.
 */
function unetBlock(x: tf.SymbolicTensor, skip: tf.SymbolicTensor, factor: number, width: number, name: string, seeds: Seeds): tf.SymbolicTensor {
  const up = convLayer(upTo(x, skip, factor, name), `${name}_upconv`, { filters: width, kernel: 1 }, seeds);
  const s = batchNorm(`${name}_skipbn`).apply(skip) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: `${name}_cat` }).apply([up, s]) as tf.SymbolicTensor;
  return convLayer(convLayer(cat, `${name}_a`, { filters: width }, seeds), `${name}_b`, { filters: width }, seeds);
}

/**
 * A U-Net on an encoder (fastai's `DynamicUnet`): the encoder cut before its pooling, a middle
 * conv pair, one decoder block per encoder resolution with a skip connection from that stage's
 * last layer, a final block at full size that also sees the input (fastai's `last_cross`), and a
 * 1x1 conv to per-pixel class logits `[B, H, W, numClasses]`. Groups: [encoder groups..., decoder].
 *
 * Sizes: the model takes any input size its encoder takes (`[null, null, 3]` for the encoders
 * built here). Each decoder step upsamples by the stride ratio of the two stages it joins, found
 * from the layer strides (not from shapes, which are unknown), then crops to the skip's size at
 * run time. For a side divisible by the encoder's total stride (16 for `smallCnn` and `xresnet`)
 * every upsampled map already matches its skip exactly; other sides (28, say) work too, through
 * the crop, as long as the encoder pads 'same' (deeper side = ceil(side / stride)).
 * @example const seg = unet(xresnet({ numOut: 1 }).model, 12); // then train at 128, then 256
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
  const strides = stageStrides(body);
  // A Keras body pads before each stride-2 conv (`block_3_pad`): that padded map is one pixel too
  // big, so the skip is the stage's last layer that is not a padding.
  const skipLayer = (stage: tf.layers.Layer[]) => [...stage].reverse().find((l) => l.getClassName() !== 'ZeroPadding2D') ?? stage[stage.length - 1];
  const skips = stages
    .slice(0, -1)
    .map((s, i) => ({ t: skipLayer(s).output as tf.SymbolicTensor, stride: strides[i] }))
    .reverse();
  let stride = strides[strides.length - 1];
  skips.forEach((skip, i) => {
    x = unetBlock(x, skip.t, Math.round(stride / skip.stride), width, `${name}_up${i}`, seeds);
    stride = skip.stride;
    width = Math.max(8, Math.round(width / 2));
  });
  x = unetBlock(x, input, Math.round(stride), width, `${name}_final`, seeds);
  const out = tf.layers.conv2d({ name: `${name}_logits`, filters: numClasses, kernelSize: 1, kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: `${encoder.name}_unet` });
  const decoder = model.layers.filter((l) => !bodyLayers.has(l) && l.getClassName() !== 'InputLayer');
  return { model, layerGroups: [...splitStages(stages, 2).filter((g) => g.length > 0), decoder] };
}
