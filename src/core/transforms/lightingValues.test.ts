import { describe, expect, it } from 'vitest';
import { makeRng } from '../data/random';
import { LIGHTING_EPS, lightImageInPlace } from './lightingValues';

/** The formula itself, in float64: sigmoid((logit(clip(x)) + shift) * scale). */
function exact(v: number, shift: number, scale: number): number {
  const c = Math.min(Math.max(v, LIGHTING_EPS), 1 - LIGHTING_EPS);
  return 1 / (1 + Math.exp(-(Math.log(c / (1 - c)) + shift) * scale));
}

describe('lightImageInPlace', () => {
  it('follows the exact curve within 5e-6 on a 128 px picture (tabulated path), edges and extremes included', () => {
    const rng = makeRng(4);
    const values = Float32Array.from({ length: 128 * 128 * 3 }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? 1 : i % 83 === 0 ? 0.005 : rng()));
    for (const scale of [0.5, 0.8, 1, 1.25, 2, 3]) {
      for (const shift of [-0.85, 0, 0.6]) {
        const lit = Float32Array.from(values);
        lightImageInPlace(lit, { shift: [shift], scale: [scale], applied: [true] }, 0);
        const worst = lit.reduce((m, v, i) => Math.max(m, Math.abs(v - exact(values[i], shift, scale))), 0);
        expect(worst).toBeLessThan(5e-6);
      }
    }
  });

  it('leaves an image that drew no lighting exactly as it was', () => {
    const values = Float32Array.from({ length: 300 }, (_, i) => i / 300);
    const lit = Float32Array.from(values);
    lightImageInPlace(lit, { shift: [0.5], scale: [1.5], applied: [false] }, 0);
    expect(lit).toEqual(values);
  });
});
