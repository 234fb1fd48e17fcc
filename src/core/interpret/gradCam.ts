import * as tf from '@tensorflow/tfjs';
import { splitHead, type HeadSplit } from '../model/split';
import type { GroupedModel } from '../model/types';

/** A Grad-CAM map over a picture: `height x width` values from 0 (no weight) to 1 (the most). */
export interface Heatmap {
  readonly height: number;
  readonly width: number;
  readonly values: readonly number[];
}

/**
 * The model cut where its head begins, keeping the body's last feature map (not pooled): what
 * Grad-CAM weighs. Null when the head reads no picture-shaped map (a U-Net, pooling in the body).
 */
export function gradCamSplit(grouped: GroupedModel): HeadSplit | null {
  // One split per model: each adds nodes to the shared layers, and the layers carry the current weights anyway.
  if (!splits.has(grouped)) {
    const split = splitHead(grouped, { pool: false });
    splits.set(grouped, split && split.body.outputs[0].shape.length === 4 ? split : null);
  }
  return splits.get(grouped) ?? null;
}

const splits = new WeakMap<GroupedModel, HeadSplit | null>();

/**
 * Grad-CAM (Selvaraju et al. 2017), as fastai's lesson draws it over top losses: the body's last
 * feature map weighted by the mean gradient of the class's logit over each channel, kept where
 * positive, scaled to [0, 1]. `x` is one normalized picture `[1, H, W, 3]`.
 */
export async function gradCam(split: HeadSplit, x: tf.Tensor4D, classIndex: number): Promise<Heatmap> {
  const map = tf.tidy(() => {
    const features = split.body.apply(x, { training: false }) as tf.Tensor4D;
    // A one-hot product rather than gather: gather's gradient needs UnsortedSegmentSum, which wasm lacks.
    const logit = (a: tf.Tensor) => {
      const out = (split.head.model.apply(a, { training: false }) as tf.Tensor).reshape([-1]);
      return out.mul(tf.tensor1d(Array.from({ length: out.shape[0] }, (_, i) => (i === classIndex ? 1 : 0)))).sum();
    };
    const grads = tf.grad(logit)(features);
    const weights = grads.mean([1, 2], true);
    const cam = features.mul(weights).sum(-1).squeeze([0]).relu();
    const peak = cam.max();
    return tf.where(peak.greater(0), cam.div(peak), tf.zerosLike(cam)) as tf.Tensor2D;
  });
  const [height, width] = map.shape;
  const values = Array.from(await map.data());
  map.dispose();
  return { height, width, values };
}
