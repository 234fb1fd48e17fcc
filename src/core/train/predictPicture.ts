import * as tf from '@tensorflow/tfjs';
import type { RawImage, ResizeMethod, Stats, Task } from '../data/types';
import { normalizeBatch } from '../transforms/augment';
import { resizeItem } from '../transforms/resize';
import { lossForTask } from './losses';
import { forward } from './predict';
import { gradCam, type Heatmap } from '../interpret/gradCam';
import type { HeadSplit } from '../model/split';

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

/** What predicting one picture gives: activated outputs (probabilities, mask logits or a point). */
export interface PredictInfo {
  readonly task: Task;
  readonly classes: readonly string[];
  /** Output shape without the batch axis: `[C]`, `[H, W, C]` or `[2]`. */
  readonly shape: readonly number[];
  readonly values: readonly number[];
  /** Grad-CAM over the picture for the predicted class, for a CNN classifier. */
  readonly heat?: Heatmap;
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
  const x = tf.tidy(() =>
    normalizeBatch(
      tf.tensor4d(
        Float32Array.from(pixels, (v) => v / 255),
        [1, height, width, 3],
      ),
      view.stats,
    ),
  );
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
