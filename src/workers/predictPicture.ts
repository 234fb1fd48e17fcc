import * as tf from '@tensorflow/tfjs';
import type { RawImage, ResizeMethod, Stats, Task } from '../core/data/types';
import { normalizeBatch } from '../core/transforms/augment';
import { resizeItem } from '../core/transforms/resize';
import { lossForTask } from '../core/train/losses';
import { forward } from '../core/train/predict';
import { gradCam } from '../core/interpret/gradCam';
import type { HeadSplit } from '../core/model/split';
import type { PredictInfo } from './protocol';

/** How a model wants its pictures: what `studio.json` and a built data block both know. */
export interface PictureView {
  readonly task: Task;
  readonly classes: readonly string[];
  /** The model's training size. */
  readonly height: number;
  readonly width: number;
  readonly resize: ResizeMethod;
  readonly stats: Stats;
}

/**
 * Predicts one picture the way validation sees it (centre crop, pad or squish at the model's
 * size, the same normalization), with the task's activation: the one path shared by a trained
 * learner and an imported bundle, so both give identical numbers.
 */
export async function predictPicture(model: tf.LayersModel, view: PictureView, image: RawImage, cam?: HeadSplit | null): Promise<PredictInfo> {
  const { height, width } = view;
  const { pixels } = resizeItem(image, [height, width], view.resize, null, 'bilinear');
  const activation = lossForTask(view.task).activation;
  const x = tf.tidy(() => normalizeBatch(tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [1, height, width, 3]), view.stats));
  try {
    const out = tf.tidy(() => activation(forward(model, x)));
    const values = Array.from(await out.data());
    out.dispose();
    const info = { task: view.task, classes: view.classes, shape: out.shape.slice(1), values };
    // Grad-CAM for the predicted class (the top tag): where the model looked.
    const classifier = view.task === 'single' || view.task === 'multi';
    const heat = cam && classifier ? await gradCam(cam, x, values.indexOf(Math.max(...values))).catch(() => null) : null;
    return heat ? { ...info, heat } : info;
  } finally {
    x.dispose();
  }
}
