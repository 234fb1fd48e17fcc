import type { Heatmap } from '../interpret/gradCam';
import * as tf from '@tensorflow/tfjs';
import type { DataBlock } from './block';
import { makeDataLoaders } from './block';
import type { Sides } from './sizeSpec';
import type { DataBlockSpec, Task } from './types';
import { denormalize } from '../transforms/augment';

/** One show_batch tile as plain arrays, ready to paint without knowing tf. */
export interface PreviewTile {
  readonly height: number;
  readonly width: number;
  /** RGBA bytes, `height*width*4`. */
  readonly rgba: Uint8ClampedArray;
  /** Class names or tags under the picture. */
  readonly caption: string;
  /** Class id per pixel (segmentation). */
  readonly mask?: Int32Array;
  /** Point in pixels (points). */
  readonly point?: readonly [number, number];
  /** The true point beside a predicted one (results), in pixels. */
  readonly truePoint?: readonly [number, number];
  /** Grad-CAM over the picture (results of a CNN classifier), drawn when the person asks for heatmaps. */
  readonly heat?: Heatmap;
}

/**
 * Draws `limit` augmented training pictures (as fastai's `show_batch`, whose max_n is a count of
 * pictures, not the batch size: a small set's guessed batch of 8 still fills the grid) and turns
 * them into plain arrays: pixels un-normalized to 0..255, targets decoded to captions, masks and
 * points. `draw` picks a different batch each time the person asks for another.
 */
export async function previewBatch(block: DataBlock, spec: DataBlockSpec, draw: number, limit = 16): Promise<PreviewTile[]> {
  const loaders = makeDataLoaders(block, { ...spec, batch: { ...spec.batch, batchSize: limit } });
  const it = loaders.train.batches(1000 + draw);
  const first = await it.next();
  await it.return(undefined);
  if (!first.value) return [];
  const { x, y } = first.value;
  const [n, height, width] = x.shape;
  const rgbaTensor = tf.tidy(() => {
    const pixels = denormalize(x, block.stats);
    const alpha = tf.ones([n, height, width, 1]);
    return tf
      .concat([pixels.clipByValue(0, 1), alpha], 3)
      .mul(255)
      .round()
      .toInt();
  });
  // The worker draws again and again on the backend it trains on: every tensor is freed.
  const [rgba, targets] = await Promise.all([rgbaTensor.data(), y.data()]);
  tf.dispose([x, y, rgbaTensor]);
  return Array.from({ length: n }, (_, i) => tileOf(i, { height, width }, rgba, targets, block.task, block.classes));
}

function tileOf(i: number, sides: Sides, rgba: ArrayLike<number>, targets: ArrayLike<number>, task: Task, classes: readonly string[]): PreviewTile {
  const { height, width } = sides;
  const area = height * width;
  const tile = Uint8ClampedArray.from(Array.prototype.slice.call(rgba, i * area * 4, (i + 1) * area * 4) as number[]);
  switch (task) {
    case 'single':
      return { ...sides, rgba: tile, caption: classes[targets[i]] };
    case 'multi': {
      const tags = classes.filter((_, c) => targets[i * classes.length + c] > 0.5);
      return { ...sides, rgba: tile, caption: tags.join(' ') || '(no tags)' };
    }
    case 'segmentation': {
      const mask = Int32Array.from(Array.prototype.slice.call(targets, i * area, (i + 1) * area) as number[]);
      // Name the objects in the picture; Void and Background are in almost every mask.
      const present = [...new Set(mask)].sort((a, b) => a - b).map((c) => classes[c]);
      const objects = present.filter((name) => !/^(void|background)$/i.test(name));
      return { ...sides, rgba: tile, caption: (objects.length ? objects : present).join(', '), mask };
    }
    case 'points': {
      // [-1, 1] -> pixels: x = (u + 1) / 2 * width, y = (v + 1) / 2 * height
      const px = ((targets[i * 2] + 1) / 2) * width;
      const py = ((targets[i * 2 + 1] + 1) / 2) * height;
      return { ...sides, rgba: tile, caption: `(${px.toFixed(1)}, ${py.toFixed(1)})`, point: [px, py] };
    }
  }
}
