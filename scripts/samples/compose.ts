/**
 * Compositing helpers: scale an MNIST digit into a glyph, find spots where glyphs do not
 * overlap, and paint a glyph in a colour onto an RGB canvas.
 */
import type { Rng } from '../../src/core/data/random';

/** An RGB canvas: `width*height*3` bytes, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A square coverage map in [0, 1] (MNIST intensity / 255), `size*size` values. */
export interface Glyph {
  readonly size: number;
  readonly alpha: Float32Array;
}

/** Half-open box in pixels: columns x0..x1-1, rows y0..y1-1. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Where a glyph's top-left corner goes on the canvas. */
export interface Placement {
  readonly x: number;
  readonly y: number;
}

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * Resamples a square grayscale digit to `size` px with bilinear interpolation, pixel centres aligned.
 * src = (dst + 0.5) * n / size - 0.5, clamped to the source.
 * @example scaleGlyph(mnistImage(train, 0), 28, 32).size // 32
 */
export function scaleGlyph(pixels: Uint8Array, n: number, size: number): Glyph {
  const alpha = new Float32Array(size * size);
  const at = (r: number, c: number): number => pixels[r * n + c] / 255;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(n - 1, Math.max(0, ((y + 0.5) * n) / size - 0.5));
    const r0 = Math.floor(sy);
    const r1 = Math.min(n - 1, r0 + 1);
    const fy = sy - r0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(n - 1, Math.max(0, ((x + 0.5) * n) / size - 0.5));
      const c0 = Math.floor(sx);
      const c1 = Math.min(n - 1, c0 + 1);
      const fx = sx - c0;
      const top = at(r0, c0) * (1 - fx) + at(r0, c1) * fx;
      const bottom = at(r1, c0) * (1 - fx) + at(r1, c1) * fx;
      alpha[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { size, alpha };
}

/** Box around the glyph's pixels with coverage above `threshold`, in glyph coordinates. */
export function inkBox(glyph: Glyph, threshold = 0.1): Box {
  let x0 = glyph.size;
  let y0 = glyph.size;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < glyph.size; y++) {
    for (let x = 0; x < glyph.size; x++) {
      if (glyph.alpha[y * glyph.size + x] <= threshold) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  return x1 === 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0, y0, x1, y1 };
}

function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

function shifted(box: Box, p: Placement, margin: number): Box {
  return { x0: box.x0 + p.x - margin, y0: box.y0 + p.y - margin, x1: box.x1 + p.x + margin, y1: box.y1 + p.y + margin };
}

/**
 * Places glyphs one after another inside a `canvas`-px square so their ink boxes (grown by
 * `margin`) do not overlap; after `tries` random spots it keeps the one with least overlap,
 * hence "non-overlapping-ish" when the canvas is crowded.
 */
export function placeGlyphs(rng: Rng, glyphs: readonly Glyph[], canvas: number, margin = 1, tries = 40): Placement[] {
  const taken: Box[] = [];
  return glyphs.map((glyph) => {
    const box = inkBox(glyph);
    let best: Placement = { x: 0, y: 0 };
    let bestOverlap = Infinity;
    for (let t = 0; t < tries && bestOverlap > 0; t++) {
      // Any spot that keeps the whole glyph frame on the canvas.
      const p = { x: Math.floor(rng() * (canvas - glyph.size + 1)), y: Math.floor(rng() * (canvas - glyph.size + 1)) };
      const area = taken.reduce((sum, other) => sum + overlapArea(shifted(box, p, margin), other), 0);
      if (area < bestOverlap) [best, bestOverlap] = [p, area];
    }
    taken.push(shifted(box, best, margin));
    return best;
  });
}

/** Paints `glyph` at `at` in `colour`: out = background * (1 - a) + colour * a. */
export function blendGlyph(image: RgbImage, glyph: Glyph, at: Placement, colour: Rgb): void {
  forEachGlyphPixel(image.width, image.height, glyph, at, (i, a) => {
    for (let ch = 0; ch < 3; ch++) {
      image.data[i * 3 + ch] = Math.round(image.data[i * 3 + ch] * (1 - a) + colour[ch] * a);
    }
  });
}

/**
 * Calls `visit(canvasPixelIndex, coverage)` for each glyph pixel with coverage > 0 that falls
 * on a `width` x `height` canvas when the glyph's top-left corner sits at `at`.
 */
export function forEachGlyphPixel(width: number, height: number, glyph: Glyph, at: Placement, visit: (index: number, alpha: number) => void): void {
  for (let gy = 0; gy < glyph.size; gy++) {
    const y = at.y + gy;
    if (y < 0 || y >= height) continue;
    for (let gx = 0; gx < glyph.size; gx++) {
      const x = at.x + gx;
      const a = glyph.alpha[gy * glyph.size + gx];
      if (x >= 0 && x < width && a > 0) visit(y * width + x, a);
    }
  }
}
