import { mapPoint, resizeItem, resizeMask, toUnitRange } from '../transforms/resize';
import type { DecodedItem } from './decode';
import type { Rng } from './random';
import type { Example, RawImage, Stats, Task, TransformSpec } from './types';

/**
 * Sizes one decoded item to the spec's size (square or height × width) and builds its target. With an `rng` (training) a crop
 * lands at a random place, without one (validation) in the centre, as fastai's `Resize`.
 */
export function makeExample(d: DecodedItem, t: TransformSpec, task: Task, numClasses: number, rng: Rng | null): Example {
  const interpolation = 'bilinear';
  const { pixels, geometry } = resizeItem(d.image, t.size, t.resize, rng, interpolation);
  const base = { path: d.item.path, pixels, height: geometry.outHeight, width: geometry.outWidth };
  const label = d.item.label;
  switch (task) {
    case 'single':
      return { ...base, target: [label.kind === 'class' ? label.id : 0] };
    case 'multi': {
      const hot = new Float32Array(numClasses);
      if (label.kind === 'multi') label.ids.forEach((id) => (hot[id] = 1));
      return { ...base, target: hot };
    }
    case 'segmentation':
      return { ...base, target: resizeMask(d.mask as RawImage, geometry) };
    case 'points': {
      const [px, py] = mapPoint(geometry, d.point![0], d.point![1]);
      return { ...base, target: toUnitRange(px, py, geometry.outWidth, geometry.outHeight) };
    }
  }
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
