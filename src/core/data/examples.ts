import { mapPoint, resizeItem, resizeMask, toUnitRange, type ResizeGeometry } from '../transforms/resize';
import type { DecodedItem } from './decode';
import type { Rng } from './random';
import type { Example, RawImage, Stats, Task, TransformSpec } from './types';

/**
 * Sizes one decoded item to the spec's size (square or height × width) and builds its target. With an `rng` (training) a crop
 * lands at a random place, without one (validation) in the centre, as fastai's `Resize`.
 */
export function makeExample(d: DecodedItem, t: TransformSpec, task: Task, numClasses: number, rng: Rng | null): Example {
  const { pixels, geometry } = resizeItem(d.image, t.size, t.resize, rng, 'bilinear');
  return { path: d.item.path, pixels, height: geometry.outHeight, width: geometry.outWidth, target: targetOf(d, geometry, task, numClasses) };
}

/**
 * An item's target once its picture is sized through `geometry`: the class id, the multi-hot
 * row, the mask cut and scaled as the picture, or the point in [-1, 1] of the sized picture.
 */
export function targetOf(d: DecodedItem, geometry: ResizeGeometry, task: Task, numClasses: number): Example['target'] {
  const label = d.item.label;
  switch (task) {
    case 'single':
      return [label.kind === 'class' ? label.id : 0];
    case 'multi': {
      const hot = new Float32Array(numClasses);
      if (label.kind === 'multi') label.ids.forEach((id) => (hot[id] = 1));
      return hot;
    }
    case 'segmentation':
      return resizeMask(d.mask as RawImage, geometry);
    case 'points':
      return pointTarget(d.point!, geometry);
  }
}

/** A point in source pixels to fastai's [-1, 1] scale of the sized picture. */
export function pointTarget(point: readonly [number, number], geometry: ResizeGeometry): [number, number] {
  const [px, py] = mapPoint(geometry, point[0], point[1]);
  return toUnitRange(px, py, geometry.outWidth, geometry.outHeight);
}

/**
 * Per-channel mean and standard deviation of the training pictures on the 0..1 scale,
 * from at most `limit` items (enough for stable statistics, cheap on a big folder).
 */
export function computeStats(decoded: readonly DecodedItem[], limit = 512): Stats {
  const sum = [0, 0, 0];
  const sumSq = [0, 0, 0];
  let n = 0;
  for (const d of decoded.slice(0, limit)) {
    const data = d.image.data;
    for (let p = 0; p < data.length; p += 4) {
      for (let c = 0; c < 3; c++) {
        const v = data[p + c] / 255;
        sum[c] += v;
        sumSq[c] += v * v;
      }
      n++;
    }
  }
  const mean = sum.map((s) => s / Math.max(n, 1)) as [number, number, number];
  // std = sqrt(E[x^2] - E[x]^2), floored so a flat channel cannot divide by zero.
  const std = sumSq.map((s, c) => Math.max(Math.sqrt(Math.max(s / Math.max(n, 1) - mean[c] ** 2, 0)), 1e-3)) as [number, number, number];
  return { mean, std };
}
