/**
 * Choosing digits for the composed samples: names, weighted picks without repeats, and a
 * random MNIST example of a digit scaled to a glyph.
 */
import { mnistImage } from './idx';
import type { MnistSet } from './idx';
import { scaleGlyph } from './compose';
import type { Glyph } from './compose';
import type { Rng } from '../../src/core/data/random';

/** English names of the digits 0..9, lower case (Planet-style tags). */
export const DIGIT_WORDS: readonly string[] = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Capitalised digit names (CamVid-style codes). */
export const DIGIT_CODES: readonly string[] = DIGIT_WORDS.map((w) => w[0].toUpperCase() + w.slice(1));

/**
 * Picks `count` distinct digits, each draw proportional to `weights[d]` among those not yet taken.
 * @example pickDistinct(rng, 2, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) // e.g. [7, 2]
 */
export function pickDistinct(rng: Rng, count: number, weights: readonly number[]): number[] {
  const left = weights.map((w, d) => ({ d, w })).filter((e) => e.w > 0);
  const picked: number[] = [];
  while (picked.length < count && left.length > 0) {
    const total = left.reduce((sum, e) => sum + e.w, 0);
    let r = rng() * total;
    let k = 0;
    while (k < left.length - 1 && r >= left[k].w) r -= left[k++].w;
    picked.push(left[k].d);
    left.splice(k, 1);
  }
  return picked;
}

/** Integer in [lo, hi], both ends included. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** A random MNIST example of `digit` from `set`, scaled to `size` px. */
export function randomGlyph(rng: Rng, set: MnistSet, digit: number, size: number): Glyph {
  const pool = set.byLabel[digit];
  const index = pool[Math.floor(rng() * pool.length)];
  return scaleGlyph(mnistImage(set, index), set.rows, size);
}
