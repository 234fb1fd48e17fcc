/**
 * Per-image geometric augmentation matrices, as fastai's Flip, Dihedral, Rotate, Zoom and Warp.
 *
 * Every matrix maps OUTPUT coordinates to INPUT coordinates (where to sample from), in fastai's
 * unit space: u = 2p / W - 1 with p in continuous pixel units, so -1 and +1 are the left and right
 * edges of the picture. Points move the other way, with the inverse matrix.
 */
import { uniform } from '../data/random';
import type { Rng } from '../data/random';
import type { TransformSpec } from '../data/types';
import { IDENTITY, homographyFromPoints, matChain, matMul } from './matrix';
import type { Mat3 } from './matrix';

/** The parts of a TransformSpec that drive the geometric augmentation. */
export type AffineSpec = Pick<TransformSpec, 'flip' | 'flipVert' | 'maxRotate' | 'maxZoom' | 'maxWarp' | 'pAffine'>;

/**
 * One of the 8 symmetries of the square, k in 0..7: bit 0 flips x, bit 1 flips y, bit 2
 * transposes (applied first). k = 0 is the identity, k = 1 the horizontal flip.
 * Matrix: [[sx(1-t), sx t, 0], [sy t, sy(1-t), 0], [0, 0, 1]].
 */
export function dihedralMatrix(k: number): Mat3 {
  const sx = k & 1 ? -1 : 1;
  const sy = k & 2 ? -1 : 1;
  const t = k & 4 ? 1 : 0;
  return [sx * (1 - t), sx * t, 0, sy * t, sy * (1 - t), 0, 0, 0, 1];
}

/** Rotation by `degrees` about the centre: [[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]]. */
export function rotateMatrix(degrees: number): Mat3 {
  const a = (degrees * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/**
 * Zoom in by `zoom` >= 1 on a window of side s = 1 / zoom whose centre sits at
 * (1 - s)(2 pct - 1) on each axis, so the window never leaves the picture (fastai's zoom_mat).
 */
export function zoomMatrix(zoom: number, colPct: number, rowPct: number): Mat3 {
  const s = 1 / zoom;
  return [s, 0, (1 - s) * (2 * colPct - 1), 0, s, (1 - s) * (2 * rowPct - 1), 0, 0, 1];
}

/** Output corners in unit space, in fastai's order. */
const CORNERS: readonly (readonly [number, number])[] = [
  [-1, -1],
  [-1, 1],
  [1, -1],
  [1, 1],
];

/**
 * Perspective warp as fastai's Warp: the output corners sample from corners moved by the draws,
 * (-1,-1) <- (-1-dy, -1-dx), (-1,1) <- (-1+dy, 1+dx), (1,-1) <- (1+dy, -1+dx), (1,1) <- (1-dy, 1-dx),
 * so `dx` tilts the picture about the vertical axis and `dy` about the horizontal one.
 */
export function warpMatrix(dx: number, dy: number): Mat3 {
  const targets: [number, number][] = [
    [-1 - dy, -1 - dx],
    [-1 + dy, 1 + dx],
    [1 + dy, -1 + dx],
    [1 - dy, 1 - dx],
  ];
  return homographyFromPoints(CORNERS, targets);
}

/**
 * Draws one image's matrix. As in fastai's aug_transforms, the flip is its own draw (p 0.5; with
 * `flipVert` one of the 8 dihedral symmetries uniformly) and warp, rotation and zoom are each
 * applied with probability `pAffine`. Parts that are off draw nothing from `rng`.
 * Composition (output -> input): warp · flip · rotate · zoom, as fastai samples its affine grid
 * (flip @ rotate @ zoom) and then warps the grid coordinates.
 */
export function drawAffine(spec: AffineSpec, rng: Rng): Mat3 {
  let flip = IDENTITY;
  if (spec.flipVert) flip = dihedralMatrix(Math.floor(rng() * 8));
  else if (spec.flip && rng() < 0.5) flip = dihedralMatrix(1);
  let warp = IDENTITY;
  if (spec.maxWarp > 0 && rng() < spec.pAffine) {
    const dx = uniform(rng, -spec.maxWarp, spec.maxWarp);
    warp = warpMatrix(dx, uniform(rng, -spec.maxWarp, spec.maxWarp));
  }
  let rotate = IDENTITY;
  if (spec.maxRotate > 0 && rng() < spec.pAffine) rotate = rotateMatrix(uniform(rng, -spec.maxRotate, spec.maxRotate));
  let zoom = IDENTITY;
  if (spec.maxZoom > 1 && rng() < spec.pAffine) {
    const z = uniform(rng, 1, spec.maxZoom);
    const col = rng();
    zoom = zoomMatrix(z, col, rng());
  }
  return matChain(warp, flip, rotate, zoom);
}

/**
 * Adapts a unit-space matrix to a `width x height` picture, as fastai's `_prepare_mat`: unit
 * space stretches each axis to [-1, 1], so on a rectangle a rotation (or a dihedral transpose)
 * drawn there would shear the picture; scaling the cross terms by the aspect ratio makes it a
 * true rotation in pixels. A square picture is left as it is.
 * @example forAspect(rotation, 160, 120) // m01 * 120/160, m10 * 160/120
 */
export function forAspect(m: Mat3, width: number, height: number): Mat3 {
  if (width === height) return m;
  const out = [...m];
  out[1] = m[1] * (height / width);
  out[3] = m[3] * (width / height);
  return out;
}

/**
 * Turns a unit-space matrix into tf.image.transform's 8 parameters for a W x H picture, whose
 * coordinates are pixel indices (pixel centres at integers): P = N⁻¹ · M · N with
 * N = [[2/W, 0, 1/W - 1], [0, 2/H, 1/H - 1], [0, 0, 1]] (index -> unit), scaled so P22 = 1.
 */
export function toPixelTransform(m: Mat3, width: number, height: number): number[] {
  const n: Mat3 = [2 / width, 0, 1 / width - 1, 0, 2 / height, 1 / height - 1, 0, 0, 1];
  const nInv: Mat3 = [width / 2, 0, (width - 1) / 2, 0, height / 2, (height - 1) / 2, 0, 0, 1];
  const p = matMul(nInv, matMul(m, n));
  return p.slice(0, 8).map((v) => v / p[8]);
}
