import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../data/random';
import type { TransformSpec } from '../data/types';
import { IMAGENET_STATS, augmentBatch, denormalize, normalizeBatch } from './augment';
import type { AugmentBatch } from './augment';
import { applyLighting, drawLighting, lightingOnTensors } from './lighting';

const OFF: TransformSpec = {
  size: 8,
  resize: 'squish',
  flip: false,
  flipVert: false,
  maxRotate: 0,
  maxZoom: 1,
  maxLighting: 0,
  maxWarp: 0,
  pAffine: 0.75,
  pLighting: 0.75,
};
const FULL: TransformSpec = { ...OFF, flipVert: true, maxRotate: 20, maxZoom: 1.4, maxWarp: 0.2, maxLighting: 0.4, pAffine: 1, pLighting: 1 };

/** A batch of n h x w images with distinct, asymmetric values, plus masks and points. */
function makeBatch(n: number, h: number, w: number): AugmentBatch {
  const x = tf.tidy(() => tf.randomUniform([n, h, w, 3], 0.05, 0.95, 'float32', 7) as tf.Tensor4D);
  const masks = tf.tidy(() => tf.randomUniform([n, h, w], 0, 4, 'int32', 8) as tf.Tensor3D);
  const points = tf.tidy(() => tf.randomUniform([n, 2], -0.8, 0.8, 'float32', 9) as tf.Tensor2D);
  return { x, masks, points };
}

const dispose = (b: AugmentBatch): void => tf.dispose([b.x, b.masks ?? [], b.points ?? []].flat());

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('augmentBatch', () => {
  it('returns equal values when every part is off', () => {
    const batch = makeBatch(3, 6, 5);
    const out = augmentBatch(batch, OFF, makeRng(1));
    expect(out.x.arraySync()).toEqual(batch.x.arraySync());
    expect(out.masks!.arraySync()).toEqual(batch.masks!.arraySync());
    expect(out.points!.arraySync()).toEqual(batch.points!.arraySync());
    expect(out.x).not.toBe(batch.x);
    dispose(batch);
    dispose(out);
  });

  it('flips horizontally: each image, mask and point is either kept or mirrored, and both happen', () => {
    const batch = makeBatch(8, 4, 5);
    const out = augmentBatch(batch, { ...OFF, flip: true }, makeRng(2));
    const [xi, xo] = [batch.x.arraySync(), out.x.arraySync()];
    const [mi, mo] = [batch.masks!.arraySync(), out.masks!.arraySync()];
    const [pi, po] = [batch.points!.arraySync(), out.points!.arraySync()];
    let flipped = 0;
    for (let b = 0; b < 8; b++) {
      const mirrored = xi[b].map((row) => [...row].reverse());
      const isFlip = JSON.stringify(xo[b]) === JSON.stringify(mirrored);
      expect(isFlip || JSON.stringify(xo[b]) === JSON.stringify(xi[b])).toBe(true);
      expect(mo[b]).toEqual(isFlip ? mi[b].map((row) => [...row].reverse()) : mi[b]);
      expect(po[b][0]).toBeCloseTo(isFlip ? -pi[b][0] : pi[b][0], 5);
      expect(po[b][1]).toBeCloseTo(pi[b][1], 5);
      flipped += isFlip ? 1 : 0;
    }
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(8);
    dispose(batch);
    dispose(out);
  });

  it('reaches all 8 dihedral results with flipVert and only permutes pixels', () => {
    const base = tf.tensor4d(Array.from({ length: 9 }, (_, k) => [k / 10, k / 10, k / 10]).flat(), [1, 3, 3, 3]);
    const x = tf.tile(base, [48, 1, 1, 1]) as tf.Tensor4D;
    const masks = tf.tidy(() => tf.cast(tf.mul(tf.squeeze(tf.slice(x, [0, 0, 0, 0], [48, 3, 3, 1]), [3]), 10), 'int32') as tf.Tensor3D);
    const out = augmentBatch({ x, masks }, { ...OFF, flipVert: true }, makeRng(3));
    const xo = out.x.arraySync();
    const mo = out.masks!.arraySync();
    const seen = new Set<string>();
    for (let b = 0; b < 48; b++) {
      const ids = xo[b].flat().map((p) => Math.round(p[0] * 10));
      expect([...ids].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(mo[b].flat()).toEqual(ids);
      seen.add(ids.join(','));
    }
    expect(seen.size).toBe(8);
    tf.dispose([base, x, masks, out.x, out.masks!]);
  });

  it('moves a point exactly where the image moves its bright pixel', () => {
    const n = 12;
    const size = 32;
    const rng = makeRng(4);
    const spots = Array.from({ length: n }, () => [8 + Math.floor(rng() * 16), 8 + Math.floor(rng() * 16)]);
    const data = new Float32Array(n * size * size * 3);
    spots.forEach(([sx, sy], b) => data.fill(1, ((b * size + sy) * size + sx) * 3, ((b * size + sy) * size + sx) * 3 + 3));
    const x = tf.tensor4d(data, [n, size, size, 3]);
    // Pixel centre (index + 0.5) to fastai's [-1, 1] scale: u = 2p / size - 1.
    const points = tf.tensor2d(spots.map(([sx, sy]) => [(2 * (sx + 0.5)) / size - 1, (2 * (sy + 0.5)) / size - 1]));
    const out = augmentBatch({ x, points }, { ...FULL, maxLighting: 0 }, makeRng(5));
    const xo = out.x.arraySync();
    const po = out.points!.arraySync();
    let checked = 0;
    for (let b = 0; b < n; b++) {
      const [px, py] = po[b].map((u) => ((u + 1) * size) / 2 - 0.5);
      if (px < 1 || py < 1 || px > size - 2 || py > size - 2) continue; // zoomed out of view
      let best = [0, 0];
      xo[b].forEach((row, r) =>
        row.forEach((p, c) => {
          if (p[0] > xo[b][best[1]][best[0]][0]) best = [c, r];
        }),
      );
      expect(Math.hypot(best[0] - px, best[1] - py)).toBeLessThanOrEqual(1.5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(n / 2);
    tf.dispose([x, points, out.x, out.points!]);
  });

  it('on a rectangle (24 high, 40 wide) rotates without shearing: a point still follows its pixel, and a rotated square stays square', () => {
    const [n, h, w] = [12, 24, 40];
    const rng = makeRng(6);
    const spots = Array.from({ length: n }, () => [12 + Math.floor(rng() * 16), 6 + Math.floor(rng() * 12)]);
    const data = new Float32Array(n * h * w * 3);
    spots.forEach(([sx, sy], b) => data.fill(1, ((b * h + sy) * w + sx) * 3, ((b * h + sy) * w + sx) * 3 + 3));
    const x = tf.tensor4d(data, [n, h, w, 3]);
    const points = tf.tensor2d(spots.map(([sx, sy]) => [(2 * (sx + 0.5)) / w - 1, (2 * (sy + 0.5)) / h - 1]));
    const rotateOnly: TransformSpec = { ...OFF, maxRotate: 30, pAffine: 1 };
    const out = augmentBatch({ x, points }, rotateOnly, makeRng(7));
    const xo = out.x.arraySync();
    const po = out.points!.arraySync();
    let checked = 0;
    for (let b = 0; b < n; b++) {
      const [px, py] = [((po[b][0] + 1) * w) / 2 - 0.5, ((po[b][1] + 1) * h) / 2 - 0.5];
      if (px < 1 || py < 1 || px > w - 2 || py > h - 2) continue;
      let best = [0, 0];
      xo[b].forEach((row, r) =>
        row.forEach((p, c) => {
          if (p[0] > xo[b][best[1]][best[0]][0]) best = [c, r];
        }),
      );
      expect(Math.hypot(best[0] - px, best[1] - py)).toBeLessThanOrEqual(1.5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(n / 2);
    // A pure rotation keeps distances in pixels: two points 10 px apart stay 10 px apart. In unit
    // space without the aspect correction, a 30-degree turn would change this by several pixels.
    // One point per picture, so each of the two is moved in its own call with the same draws.
    const img = tf.zeros([1, h, w, 3]) as tf.Tensor4D;
    const movedPx = (xPx: number, seed: number): number[] => {
      const point = tf.tensor2d([[(2 * xPx) / w - 1, 0]]);
      const moved = augmentBatch({ x: img, points: point }, { ...rotateOnly, maxRotate: 45 }, makeRng(seed));
      const [u, v] = moved.points!.arraySync()[0];
      tf.dispose([point, moved.x, moved.points!]);
      return [((u + 1) * w) / 2, ((v + 1) * h) / 2];
    };
    for (let seed = 1; seed <= 6; seed++) {
      const [[ax, ay], [bx, by]] = [movedPx(15, seed), movedPx(25, seed)];
      expect(Math.hypot(bx - ax, by - ay)).toBeCloseTo(10, 3);
    }
    tf.dispose([x, points, out.x, out.points!, img]);
  });

  it('gives the same output for the same seed and another for another seed', () => {
    const batch = makeBatch(4, 10, 10);
    const run = (seed: number) => {
      const out = augmentBatch(batch, FULL, makeRng(seed));
      const values = [out.x.arraySync(), out.masks!.arraySync(), out.points!.arraySync()];
      dispose(out);
      return JSON.stringify(values);
    };
    expect(run(11)).toBe(run(11));
    expect(run(11)).not.toBe(run(12));
    dispose(batch);
  });

  it('keeps mask ids to those of the input and fills outside with maskFill when asked', () => {
    const batch = makeBatch(4, 12, 12);
    const out = augmentBatch(batch, FULL, makeRng(6));
    expect(new Set(out.masks!.dataSync()).size).toBeLessThanOrEqual(4);
    out.masks!.dataSync().forEach((v) => expect([0, 1, 2, 3]).toContain(v));
    const rotated = augmentBatch(batch, { ...OFF, maxRotate: 45, pAffine: 1 }, makeRng(7), { maskFill: 9 });
    expect(rotated.masks!.dataSync()).toContain(9);
    dispose(batch);
    dispose(out);
    dispose(rotated);
  });

  it('changes lighting on x only, within 0..1', () => {
    const batch = makeBatch(4, 5, 5);
    const out = augmentBatch(batch, { ...OFF, maxLighting: 0.5, pLighting: 1 }, makeRng(8));
    expect(out.x.arraySync()).not.toEqual(batch.x.arraySync());
    const values = out.x.dataSync();
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(out.masks!.arraySync()).toEqual(batch.masks!.arraySync());
    expect(out.points!.arraySync()).toEqual(batch.points!.arraySync());
    dispose(batch);
    dispose(out);
  });

  it('applies lighting in logit space as fastai', () => {
    const x = tf.fill([2, 1, 1, 3], 0.5) as tf.Tensor4D;
    // Brightness change 0.75 moves 0.5 to 0.75; contrast 2 on logit(0.75) gives sigmoid(2 log 3) = 0.9.
    const out = applyLighting(x, { shift: [Math.log(3), Math.log(3)], scale: [1, 2], applied: [true, true] });
    const v = out.dataSync();
    expect(v[0]).toBeCloseTo(0.75, 5);
    expect(v[3]).toBeCloseTo(0.9, 5);
    tf.dispose([x, out]);
  });

  it('leaves an image without lighting bit for bit as it was', () => {
    const x = tf.tensor4d([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [2, 1, 1, 3]);
    const out = applyLighting(x, { shift: [Math.log(3), Math.log(3)], scale: [2, 2], applied: [false, true] });
    const v = out.dataSync();
    expect(Array.from(v.slice(0, 3))).toEqual(Array.from(x.dataSync().slice(0, 3)));
    expect(v[3]).not.toBeCloseTo(0.7, 2);
    tf.dispose([x, out]);
  });

  it('gives on the CPU backend (one pass in JavaScript) what the backend ops give', () => {
    const { x } = makeBatch(6, 5, 7);
    const draw = drawLighting(0.6, 0.4, 6, makeRng(4))!;
    expect(draw.applied).toContain(false);
    const [fast, ops] = [applyLighting(x, draw), lightingOnTensors(x, draw)];
    const [a, b] = [fast.dataSync(), ops.dataSync()];
    a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(2e-6));
    tf.dispose([x, fast, ops]);
  });

  it('leaks no tensor', () => {
    const batch = makeBatch(3, 8, 8);
    const before = tf.memory().numTensors;
    for (const spec of [OFF, FULL, { ...OFF, flip: true }]) dispose(augmentBatch(batch, spec, makeRng(9)));
    tf.dispose([normalizeBatch(batch.x, IMAGENET_STATS), denormalize(batch.x, IMAGENET_STATS)]);
    expect(tf.memory().numTensors).toBe(before);
    dispose(batch);
  });
});

describe('normalizeBatch', () => {
  it('gives on the CPU backend (one pass in JavaScript) what broadcast ops give', () => {
    const { x } = makeBatch(3, 4, 5);
    const stats = { mean: [0.3, 0.5, 0.7], std: [0.2, 0.25, 0.3] } as const;
    const fast = normalizeBatch(x, stats);
    const ops = tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d([...stats.mean])), tf.tensor1d([...stats.std])));
    const [a, b] = [fast.dataSync(), ops.dataSync()];
    a.forEach((v, k) => expect(v).toBeCloseTo(b[k], 5));
    tf.dispose([x, fast, ops]);
  });

  it('normalizes per channel and denormalize undoes it', () => {
    const x = tf.tensor4d([0.485, 0.456 + 0.224, 1], [1, 1, 1, 3]);
    const n = normalizeBatch(x, IMAGENET_STATS);
    const back = denormalize(n, IMAGENET_STATS);
    const v = n.dataSync();
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeCloseTo(1, 5);
    expect(v[2]).toBeCloseTo((1 - 0.406) / 0.225, 5);
    back.dataSync().forEach((b, k) => expect(b).toBeCloseTo(x.dataSync()[k], 6));
    tf.dispose([x, n, back]);
  });
});
