import * as tf from '@tensorflow/tfjs';
import type { DataBlock } from '../data/block';
import type { BlockItem } from '../data/decode';
import { sidesOf } from '../data/sizeSpec';
import { makeExample } from '../data/examples';
import type { DataBlockSpec, Stats } from '../data/types';
import { gradCam, gradCamSplit, type Heatmap } from './gradCam';
import type { HeadSplit } from '../model/split';
import { normalizeBatch } from '../transforms/augment';
import { topLosses } from './topLosses';
import type { Learner } from '../train/learner';
import { SHOWN_RESULTS, type ResultsInfo, type Thumb } from './resultsInfo';

/**
 * Runs the learner over the validation set and gathers what the results cell draws: the
 * predictions, targets and losses of every item, and the pictures of the shown ones.
 */
export async function collectResults(learn: Learner, block: DataBlock, spec: DataBlockSpec, thresh: number): Promise<ResultsInfo> {
  const preds = await learn.getPreds();
  const task = block.task;
  const segmentation = task === 'segmentation';
  const probs = segmentation ? new Float32Array(0) : ((await preds.probs.data()) as Float32Array);
  const targets = segmentation ? new Float32Array(0) : Float32Array.from(await preds.targets.data());
  let masks: { predMasks?: Int32Array; trueMasks?: Int32Array } = {};
  if (segmentation) {
    const argmax = tf.tidy(() => preds.probs.argMax(-1));
    masks = { predMasks: Int32Array.from(await argmax.data()), trueMasks: Int32Array.from(await preds.targets.data()) };
    argmax.dispose();
  }
  tf.dispose([preds.probs, preds.targets]);
  // A streamed picture that failed to decode is not among the predictions: leave it out here too.
  const failed = block.pixels.failedItems();
  const predicted = block.valid.filter((d) => !failed.has(d.item.path));
  const shown = new Set([...Array.from({ length: Math.min(SHOWN_RESULTS, predicted.length) }, (_, i) => i), ...topLosses(preds.losses, SHOWN_RESULTS).map((l) => l.index)]);
  // Grad-CAM for classifiers whose head reads a picture-shaped map (fastai's plot_top_losses(heatmap=True)).
  const cam = task === 'single' || task === 'multi' ? gradCamSplit(learn.grouped) : null;
  const numClasses = block.classes.length;
  const predictedClass = (index: number) => argmax(probs.subarray(index * numClasses, (index + 1) * numClasses));
  const thumbs: Thumb[] = [];
  for (const index of shown) {
    const thumb = await thumbOf(block, predicted[index], spec, index);
    // A heatmap that cannot be computed (a kernel a backend lacks) leaves the picture without one, not the results.
    const heat = cam ? await heatOf(cam, thumb, learn.dls.stats, predictedClass(index)).catch(() => null) : null;
    thumbs.push(heat ? { ...thumb, heat } : thumb);
  }
  const { validLoss, metrics } = await learn.evaluate();
  return {
    task,
    classes: block.classes,
    voidIndex: block.voidIndex,
    ...sidesOf(spec.transforms.size),
    count: preds.losses.length,
    probs,
    targets,
    losses: preds.losses,
    paths: predicted.map((d) => d.item.path),
    ...masks,
    thumbs,
    thresh,
    metrics: { valid_loss: validLoss, ...metrics },
  };
}

/** Grad-CAM of a thumb (its RGB at the training size, normalized as the model sees it). */
async function heatOf(cam: HeadSplit, thumb: Thumb, stats: Stats, classIndex: number): Promise<Heatmap> {
  const { height, width, rgba } = thumb;
  const rgb = Float32Array.from({ length: height * width * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)] / 255);
  const x = tf.tidy(() => normalizeBatch(tf.tensor4d(rgb, [1, height, width, 3]), stats));
  try {
    return await gradCam(cam, x, classIndex);
  } finally {
    x.dispose();
  }
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The validation picture as validation sees it (centre crop at the training size), as RGBA. */
async function thumbOf(block: DataBlock, entry: BlockItem, spec: DataBlockSpec, index: number): Promise<Thumb> {
  const example = makeExample(await block.pixels.load(entry), spec.transforms, block.task, block.classes.length, null);
  const { height, width } = example;
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (let p = 0; p < height * width; p++) {
    rgba.set(example.pixels.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return { index, path: example.path, height, width, rgba };
}
