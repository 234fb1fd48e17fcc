import { describe, expect, it } from 'vitest';
import { makeRng } from '../data/random';
import { dihedralMatrix, drawAffine, rotateMatrix, toPixelTransform, warpMatrix, zoomMatrix } from './affine';
import type { AffineSpec } from './affine';
import { IDENTITY, applyToPoint, isIdentity, matChain, matInvert, matMul } from './matrix';

const OFF: AffineSpec = { flip: false, flipVert: false, maxRotate: 0, maxZoom: 1, maxWarp: 0, pAffine: 0.75 };
const close = (a: readonly number[], b: readonly number[]): void => a.forEach((v, k) => expect(v).toBeCloseTo(b[k], 9));

describe('matrices', () => {
  it('invert and compose', () => {
    const m = matChain(warpMatrix(0.1, -0.2), rotateMatrix(17), zoomMatrix(1.3, 0.2, 0.9));
    close(matMul(m, matInvert(m)), IDENTITY);
    const [x, y] = applyToPoint(m, 0.3, -0.4);
    close(applyToPoint(matInvert(m), x, y), [0.3, -0.4]);
  });

  it('has 8 distinct dihedral symmetries, k = 1 being the horizontal flip', () => {
    const keys = new Set(Array.from({ length: 8 }, (_, k) => dihedralMatrix(k).join(',')));
    expect(keys.size).toBe(8);
    expect(applyToPoint(dihedralMatrix(1), 0.5, 0.25)).toEqual([-0.5, 0.25]);
    expect(isIdentity(dihedralMatrix(0))).toBe(true);
  });

  it('warps the output corners onto the drawn corners, as fastai', () => {
    const [dx, dy] = [0.1, -0.15];
    const m = warpMatrix(dx, dy);
    close(applyToPoint(m, -1, -1), [-1 - dy, -1 - dx]);
    close(applyToPoint(m, -1, 1), [-1 + dy, 1 + dx]);
    close(applyToPoint(m, 1, -1), [1 + dy, -1 + dx]);
    close(applyToPoint(m, 1, 1), [1 - dy, 1 - dx]);
  });

  it('zooms on a window that stays inside the picture', () => {
    for (const [col, row] of [
      [0, 0],
      [1, 1],
      [0.3, 0.8],
    ]) {
      const m = zoomMatrix(2, col, row);
      for (const [u, v] of [
        [-1, -1],
        [1, 1],
      ]) {
        const [x, y] = applyToPoint(m, u, v);
        expect(Math.abs(x)).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(y)).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });

  it('converts to pixel-index parameters for tf.image.transform', () => {
    // Horizontal flip of a 5-wide picture: x_in = 4 - x_out.
    close(toPixelTransform(dihedralMatrix(1), 5, 3), [-1, 0, 4, 0, 1, 0, 0, 0]);
    close(toPixelTransform(IDENTITY, 7, 9), [1, 0, 0, 0, 1, 0, 0, 0]);
  });
});

describe('drawAffine', () => {
  it('is the identity and draws nothing when every part is off', () => {
    const rng = makeRng(1);
    expect(isIdentity(drawAffine(OFF, rng))).toBe(true);
    expect(rng()).toBe(makeRng(1)());
  });

  it('flips about half the time with flip, and picks all 8 symmetries with flipVert', () => {
    const rng = makeRng(2);
    const flips = Array.from({ length: 400 }, () => drawAffine({ ...OFF, flip: true }, rng)).filter((m) => !isIdentity(m)).length;
    expect(flips).toBeGreaterThan(150);
    expect(flips).toBeLessThan(250);
    const seen = new Set(Array.from({ length: 200 }, () => drawAffine({ ...OFF, flipVert: true }, rng).join(',')));
    expect(seen.size).toBe(8);
  });

  it('applies each affine part with probability pAffine', () => {
    const rng = makeRng(3);
    const spec = { ...OFF, maxRotate: 10, pAffine: 0.25 };
    const moved = Array.from({ length: 400 }, () => drawAffine(spec, rng)).filter((m) => !isIdentity(m)).length;
    expect(moved).toBeGreaterThan(60);
    expect(moved).toBeLessThan(140);
    expect(Array.from({ length: 50 }, () => drawAffine({ ...spec, pAffine: 0 }, rng)).every((m) => isIdentity(m))).toBe(true);
  });
});
