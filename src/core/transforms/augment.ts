/**
 * Batch-level augmentation on tensors, as fastai's `aug_transforms` on GPU batches: one
 * projective resampling per image (flip/dihedral, warp, rotate, zoom composed into a single
 * matrix) applied alike to the picture, its mask and its point, then lighting on the picture.
 *
 * Only training batches are augmented; validation batches never come here (the loader decides).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/random';
import type { Stats, TransformSpec } from '../data/types';
import { cpuTransformInstalled } from '../tf/cpuKernels';
import { drawAffine, forAspect, toPixelTransform } from './affine';
import { applyLighting, drawLighting, type LightingDraw } from './lighting';
import { isIdentity, matInvert } from './matrix';
import type { Mat3 } from './matrix';

/**
 * A batch to augment.
 * - `x`: float32 [B, H, W, 3] in 0..1 (not yet normalized).
 * - `masks`: int32 [B, H, W] class ids.
 * - `points`: float32 [B, 2], (x, y) in [-1, 1] (fastai's point scale).
 */
export interface AugmentBatch {
  readonly x: tf.Tensor4D;
  readonly masks?: tf.Tensor3D;
  readonly points?: tf.Tensor2D;
}

/** Options beyond the TransformSpec. */
export interface AugmentOptions {
  /**
   * Class id for mask pixels that fall outside the picture. Unset (the default), masks are
   * reflected like the picture, as fastai does, so a mask keeps matching what the image shows;
   * set it (for instance to the void code) to fill them with that id instead.
   */
  readonly maskFill?: number;
}

/** ImageNet per-channel statistics on the 0..1 scale, for pretrained backbones. */
export const IMAGENET_STATS: Stats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * Augments a training batch. Returns NEW tensors with the same keys as the input: the caller still
 * owns and disposes the input tensors, and disposes the outputs separately. Nothing else is kept.
 * The same `rng` state gives the same result; a spec with every part off returns equal values.
 * @example const out = augmentBatch({ x, masks }, spec.transforms, rng); x.dispose(); masks.dispose();
 */
export function augmentBatch(batch: AugmentBatch, spec: TransformSpec, rng: Rng, options: AugmentOptions = {}): AugmentBatch {
  const [n, h, w] = batch.x.shape;
  const { mats, lighting } = drawAugment(spec, n, w, h, rng);
  const geometric = !mats.every((m) => isIdentity(m));
  return tf.tidy(() => {
    const params = geometric ? tf.tensor2d(mats.map((m) => toPixelTransform(m, w, h))) : null;
    let x = params ? transformImages(batch.x, params, 'bilinear', 'reflect', 0) : tf.clone(batch.x);
    if (lighting) x = applyLighting(x, lighting);
    const out: { x: tf.Tensor4D; masks?: tf.Tensor3D; points?: tf.Tensor2D } = { x };
    if (batch.masks) out.masks = params ? transformMasks(batch.masks, params, options.maskFill) : tf.clone(batch.masks);
    if (batch.points) out.points = geometric ? transformPoints(batch.points, mats) : tf.clone(batch.points);
    return out;
  });
}

/** One batch's random augmentation: a unit-space matrix per picture (output -> input) and the lighting. */
export interface AugmentDraw {
  readonly mats: Mat3[];
  readonly lighting: LightingDraw | null;
}

/**
 * Draws a batch's augmentation for `n` pictures of `width x height`, every matrix first, then the
 * lighting. All randomness is drawn up front on plain numbers: it is reproducible and needs no
 * readback, and the off-thread loader draws through this same function so both paths see the
 * same transforms for a seed and an epoch.
 */
export function drawAugment(spec: TransformSpec, n: number, width: number, height: number, rng: Rng): AugmentDraw {
  const mats: Mat3[] = [];
  for (let b = 0; b < n; b++) mats.push(forAspect(drawAffine(spec, rng), width, height));
  return { mats, lighting: drawLighting(spec.maxLighting, spec.pLighting, n, rng) };
}

/**
 * tf.image.transform with a workaround: tfjs 4.22's stock CPU kernel returns after the first
 * image of a batch and leaves the others filled with the fill value, so unless the studio's CPU
 * kernel is installed (`installFastCpuKernels`, done by `chooseBackend`), images go one at a time.
 */
function transformImages(images: tf.Tensor4D, params: tf.Tensor2D, interpolation: 'bilinear' | 'nearest', fillMode: 'reflect' | 'constant', fillValue: number): tf.Tensor4D {
  const n = images.shape[0];
  if (tf.getBackend() !== 'cpu' || n === 1 || cpuTransformInstalled()) return tf.image.transform(images, params, interpolation, fillMode, fillValue);
  const imgs = tf.split(images, n);
  const ps = tf.split(params, n);
  return tf.concat(imgs.map((img, b) => tf.image.transform(img as tf.Tensor4D, ps[b] as tf.Tensor2D, interpolation, fillMode, fillValue)));
}

/** Resamples int32 [B, H, W] masks with nearest neighbour so no new class id appears. */
function transformMasks(masks: tf.Tensor3D, params: tf.Tensor2D, fill: number | undefined): tf.Tensor3D {
  const asImages = tf.expandDims(tf.cast(masks, 'float32'), 3) as tf.Tensor4D;
  const moved = transformImages(asImages, params, 'nearest', fill === undefined ? 'reflect' : 'constant', fill ?? 0);
  // Ids are small integers, exact in float32, so the cast back loses nothing.
  return tf.cast(tf.squeeze(moved, [3]), 'int32') as tf.Tensor3D;
}

/**
 * Moves points from input to output with the inverse matrices, in unit space where the matrices
 * live: [x', y', w'] = M⁻¹ · [x, y, 1], result (x'/w', y'/w').
 */
function transformPoints(points: tf.Tensor2D, mats: readonly Mat3[]): tf.Tensor2D {
  const n = points.shape[0];
  const inv = tf.tensor3d(
    mats.flatMap((m) => matInvert(m)),
    [n, 3, 3],
  );
  const hom = tf.concat([points, tf.ones([n, 1])], 1).reshape([n, 3, 1]) as tf.Tensor3D;
  const moved = tf.matMul(inv, hom).reshape([n, 3]);
  const xy = tf.slice(moved, [0, 0], [n, 2]);
  return tf.div(xy, tf.slice(moved, [0, 2], [n, 1])) as tf.Tensor2D;
}

/**
 * Normalizes float32 [B, H, W, 3] pixels in 0..1 per channel: (x - mean) / std. Returns a new tensor.
 * @example const xn = normalizeBatch(x, IMAGENET_STATS);
 */
export function normalizeBatch(x: tf.Tensor4D, stats: Stats): tf.Tensor4D {
  if (runsOnCpuThread()) {
    // wasm's broadcasting Sub and Div take ~14 ms each for 32 pictures at 128 px (a generic
    // index loop); one pass over the values here takes a few. The arithmetic is the same.
    const values = x.dataSync() as Float32Array;
    const out = new Float32Array(values.length);
    const scale = stats.std.map((s) => 1 / s);
    for (let i = 0; i < values.length; i += 3) {
      out[i] = (values[i] - stats.mean[0]) * scale[0];
      out[i + 1] = (values[i + 1] - stats.mean[1]) * scale[1];
      out[i + 2] = (values[i + 2] - stats.mean[2]) * scale[2];
    }
    return tf.tensor4d(out, x.shape);
  }
  return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d([...stats.mean])), tf.tensor1d([...stats.std])) as tf.Tensor4D);
}

/** Whether kernels run on this thread's CPU (wasm, cpu), where reading values back costs only a copy. */
function runsOnCpuThread(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** Inverse of `normalizeBatch`, for showing pictures: x * std + mean. Returns a new tensor. */
export function denormalize(x: tf.Tensor4D, stats: Stats): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(x, tf.tensor1d([...stats.std])), tf.tensor1d([...stats.mean])) as tf.Tensor4D);
}
