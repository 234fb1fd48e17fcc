/**
 * Backgrounds and colours for composed samples: dark, varied backgrounds (channels kept at
 * or below about 120) so that bright digits (max channel at least about 215) stay visible.
 */
import { uniform } from '../../src/core/data/random';
import type { Rng } from '../../src/core/data/random';
import type { Rgb, RgbImage } from './compose';

/** Background styles: a smooth linear gradient, smooth value noise, or value noise plus grain. */
export type BackgroundKind = 'gradient' | 'noise' | 'texture';

const DARK_MAX = 100;

/** A random dark colour, each channel in [0, 100). */
export function darkColour(rng: Rng): Rgb {
  return [uniform(rng, 0, DARK_MAX), uniform(rng, 0, DARK_MAX), uniform(rng, 0, DARK_MAX)];
}

/**
 * A random bright colour from HSV with saturation in [0.25, 0.75) and value in [0.85, 1).
 * Channel n (R: 5, G: 3, B: 1) = v * (1 - s * max(0, min(k, 4 - k, 1))) with k = (n + 6h) mod 6.
 */
export function brightColour(rng: Rng): Rgb {
  const h = rng();
  const s = uniform(rng, 0.25, 0.75);
  const v = uniform(rng, 0.85, 1);
  const channel = (n: number): number => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * v * (1 - s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [channel(5), channel(3), channel(1)];
}

/** A dark background of the given kind, `size` x `size` px. */
export function makeBackground(rng: Rng, size: number, kind: BackgroundKind): RgbImage {
  const data = new Uint8Array(size * size * 3);
  if (kind === 'gradient') fillGradient(rng, size, data);
  else fillValueNoise(rng, size, data, kind === 'texture' ? 14 : 5);
  return { width: size, height: size, data };
}

/** Picks `gradient` or `noise` with equal odds, then draws it. */
export function randomBackground(rng: Rng, size: number): RgbImage {
  return makeBackground(rng, size, rng() < 0.5 ? 'gradient' : 'noise');
}

function fillGradient(rng: Rng, size: number, data: Uint8Array): void {
  const from = darkColour(rng);
  const to = darkColour(rng);
  const angle = uniform(rng, 0, 2 * Math.PI);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  // t = projection of the pixel centre on the direction, rescaled to [0, 1] over the square.
  const span = Math.abs(dx) + Math.abs(dy);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = (((x + 0.5) / size - 0.5) * dx + ((y + 0.5) / size - 0.5) * dy) / span + 0.5;
      for (let ch = 0; ch < 3; ch++) data[(y * size + x) * 3 + ch] = Math.round(from[ch] + (to[ch] - from[ch]) * t);
    }
  }
}

/** Value noise: random dark colours on a coarse grid, bilinearly interpolated, plus +-grain per pixel. */
function fillValueNoise(rng: Rng, size: number, data: Uint8Array, grain: number): void {
  const cells = 2 + Math.floor(rng() * 5);
  const grid: Rgb[] = Array.from({ length: (cells + 1) * (cells + 1) }, () => darkColour(rng));
  for (let y = 0; y < size; y++) {
    const gy = (y / size) * cells;
    const r = Math.floor(gy);
    const fy = gy - r;
    for (let x = 0; x < size; x++) {
      const gx = (x / size) * cells;
      const c = Math.floor(gx);
      const fx = gx - c;
      const top = r * (cells + 1) + c;
      const bottom = top + cells + 1;
      const [a, b, d, e] = [grid[top], grid[top + 1], grid[bottom], grid[bottom + 1]];
      for (let ch = 0; ch < 3; ch++) {
        const smooth = (a[ch] * (1 - fx) + b[ch] * fx) * (1 - fy) + (d[ch] * (1 - fx) + e[ch] * fx) * fy;
        data[(y * size + x) * 3 + ch] = Math.max(0, Math.round(smooth + uniform(rng, -grain, grain)));
      }
    }
  }
}
