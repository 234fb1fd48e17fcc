import type { Stats } from '../data/types';

/**
 * A pretrained body's input scaling as plain data and arithmetic, without tfjs: the page's
 * learner form lists the choices, and `pretrainedBody.ts` builds its input adapter from them.
 */

/**
 * The input scaling a body was trained with, on pixels `p` in 0..255:
 * - `unit`: p / 255 (nsfwjs's MobileNetV2);
 * - `minusOneOne`: p / 127.5 - 1 (Keras MobileNet, Teachable Machine);
 * - `imagenet`: (p / 255 - mean) / std with ImageNet's statistics (torchvision);
 * - `caffe`: BGR order, p - ImageNet's mean in 0..255 (Keras ResNet50, VGG);
 * - `data`: whatever the data block makes (a body trained inside the studio).
 */
export type BodyNormalization = 'unit' | 'minusOneOne' | 'imagenet' | 'caffe' | 'data';

/** Every normalization with a few words for a form. */
export const BODY_NORMALIZATIONS: readonly (readonly [BodyNormalization, string])[] = [
  ['unit', '[0, 1] (pixel / 255)'],
  ['minusOneOne', '[-1, 1] (Keras MobileNet, Teachable Machine)'],
  ['imagenet', 'ImageNet mean / std (torchvision)'],
  ['caffe', 'caffe: BGR minus ImageNet mean (Keras ResNet50)'],
  ['data', "the data block's own"],
];

const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/**
 * The 1x1 convolution that maps a picture normalized with `data` to the body's scaling:
 * pixel/255 = x * std + mean, then out[c] = scale[c] * pixel/255[src(c)] + shift[c].
 * Returns the kernel `[1, 1, 3, 3]` (input channel, output channel) and the bias `[3]`.
 */
export function adapterWeights(data: Stats, body: BodyNormalization): { kernel: number[]; bias: number[] } {
  const target = bodyAffine(body, data);
  const kernel = new Array<number>(9).fill(0);
  const bias = [0, 0, 0];
  for (let out = 0; out < 3; out++) {
    const src = target.order[out];
    // out = a * (x * std + mean) + b = (a * std) x + (a * mean + b)
    kernel[src * 3 + out] = target.scale[out] * data.std[src];
    bias[out] = target.scale[out] * data.mean[src] + target.shift[out];
  }
  return { kernel, bias };
}

/** out[c] = scale[c] * u[order[c]] + shift[c], where u = pixel / 255. */
function bodyAffine(body: BodyNormalization, data: Stats): { order: number[]; scale: number[]; shift: number[] } {
  switch (body) {
    case 'unit':
      return { order: [0, 1, 2], scale: [1, 1, 1], shift: [0, 0, 0] };
    case 'minusOneOne':
      return { order: [0, 1, 2], scale: [2, 2, 2], shift: [-1, -1, -1] };
    case 'imagenet':
      return { order: [0, 1, 2], scale: IMAGENET_STD.map((s) => 1 / s), shift: IMAGENET_MEAN.map((m, c) => -m / IMAGENET_STD[c]) };
    case 'caffe':
      // BGR: output channel 0 is blue, from input channel 2.
      return { order: [2, 1, 0], scale: [255, 255, 255], shift: [2, 1, 0].map((c) => -255 * IMAGENET_MEAN[c]) };
    case 'data':
      return { order: [0, 1, 2], scale: data.std.map((s) => 1 / s), shift: data.mean.map((m, c) => -m / data.std[c]) };
  }
}
