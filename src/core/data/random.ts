/**
 * Seeded randomness: the same seed gives the same numbers on every machine and in every
 * JavaScript engine, because it is integer arithmetic only (mulberry32).
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * Makes a seeded generator.
 * @example const rng = makeRng(42); rng(); // 0.6011037519201636 on every machine
 */
export function makeRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform number in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Fisher-Yates shuffle of a copy; the input is left as it was. */
export function shuffled<T>(values: readonly T[], rng: Rng): T[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
