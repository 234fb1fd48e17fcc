import { describe, expect, it } from 'vitest';
import { makeRng } from '../data/random';
import type { RawImage, ResizeMethod } from '../data/types';
import { fromUnitRange, mapPoint, resizeItem, resizeMask, toUnitRange, unmapPoint } from './resize';

/** RGBA image whose RGB is f(x, y). */
function image(w: number, h: number, f: (x: number, y: number) => [number, number, number]): RawImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      data.set([...f(x, y), 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}

/** The known 4x2 picture: R = 10 + 10x + 100y, G = 2 + x, B = 200. */
const known = image(4, 2, (x, y) => [10 + 10 * x + 100 * y, 2 + x, 200]);
const px = (x: number, y: number): number[] => [10 + 10 * x + 100 * y, 2 + x, 200];

/** RGB of output pixel (i, j). */
const at = (pixels: Uint8Array, size: number, i: number, j: number): number[] => [...pixels.slice((j * size + i) * 3, (j * size + i) * 3 + 3)];

const METHODS: ResizeMethod[] = ['crop', 'squish', 'pad'];

describe('resizeItem', () => {
  it('gives size*size*3 RGB bytes for every method, interpolation and shape', () => {
    for (const method of METHODS) {
      for (const interp of ['bilinear', 'nearest'] as const) {
        for (const [w, h] of [
          [37, 23],
          [5, 41],
          [16, 16],
        ]) {
          const out = resizeItem(
            image(w, h, () => [1, 2, 3]),
            11,
            method,
            makeRng(1),
            interp,
          );
          expect(out.pixels.length).toBe(11 * 11 * 3);
          expect(out.geometry).toMatchObject({ outWidth: 11, outHeight: 11 });
        }
      }
    }
  });

  it('squishes the 4x2 picture onto the whole output', () => {
    const { pixels, geometry } = resizeItem(known, 2, 'squish', null, 'nearest');
    expect(geometry).toMatchObject({ x0: 0, y0: 0, width: 4, height: 2 });
    // Output centres fall on source columns 1 and 3, rows 0 and 1.
    expect(at(pixels, 2, 0, 0)).toEqual(px(1, 0));
    expect(at(pixels, 2, 1, 0)).toEqual(px(3, 0));
    expect(at(pixels, 2, 1, 1)).toEqual(px(3, 1));
  });

  it('crops the centre for validation and anywhere for training, with exact pixels', () => {
    for (const interp of ['bilinear', 'nearest'] as const) {
      const { pixels, geometry } = resizeItem(known, 2, 'crop', null, interp);
      expect(geometry).toMatchObject({ x0: 1, y0: 0, width: 2, height: 2 });
      expect([at(pixels, 2, 0, 0), at(pixels, 2, 1, 1)]).toEqual([px(1, 0), px(2, 1)]);
    }
    const starts = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const { pixels, geometry } = resizeItem(known, 2, 'crop', makeRng(seed), 'bilinear');
      starts.add(geometry.x0);
      expect(at(pixels, 2, 0, 1)).toEqual(px(geometry.x0, 1));
    }
    expect([...starts].sort()).toEqual([0, 1, 2]);
  });

  it('pads the short side with zeros', () => {
    const { pixels, geometry } = resizeItem(known, 4, 'pad', null, 'bilinear');
    expect(geometry).toMatchObject({ x0: 0, y0: -1, width: 4, height: 4 });
    for (let i = 0; i < 4; i++) {
      expect(at(pixels, 4, i, 0)).toEqual([0, 0, 0]);
      expect(at(pixels, 4, i, 1)).toEqual(px(i, 0));
      expect(at(pixels, 4, i, 2)).toEqual(px(i, 1));
      expect(at(pixels, 4, i, 3)).toEqual([0, 0, 0]);
    }
  });

  it('keeps a flat picture flat when shrinking or enlarging with bilinear', () => {
    for (const [w, h, size] of [
      [50, 30, 7],
      [3, 5, 13],
    ]) {
      const { pixels } = resizeItem(
        image(w, h, () => [90, 91, 92]),
        size,
        'squish',
        null,
        'bilinear',
      );
      for (let k = 0; k < pixels.length; k += 3) expect([pixels[k], pixels[k + 1], pixels[k + 2]]).toEqual([90, 91, 92]);
    }
  });
});

describe("rectangular sizes (height x width, as fastai's size=(h, w))", () => {
  it("gives height*width*3 bytes and a window of the output's shape: the largest inside for crop, the smallest around for pad", () => {
    const pic = image(100, 100, () => [9, 9, 9]);
    const crop = resizeItem(pic, [30, 40], 'crop', null, 'bilinear');
    expect(crop.pixels.length).toBe(30 * 40 * 3);
    expect(crop.geometry).toMatchObject({ outHeight: 30, outWidth: 40, width: 100, height: 75, x0: 0, y0: 12 });
    const pad = resizeItem(pic, [30, 40], 'pad', null, 'bilinear');
    expect(pad.geometry).toMatchObject({ width: 133, height: 100, y0: 0 });
    expect(pad.geometry.x0).toBeLessThan(0);
    const squish = resizeItem(
      image(50, 20, () => [9, 9, 9]),
      [30, 40],
      'squish',
      null,
      'bilinear',
    );
    expect(squish.geometry).toMatchObject({ x0: 0, y0: 0, width: 50, height: 20 });
    // A landscape photo cropped to a landscape size keeps all of it.
    expect(
      resizeItem(
        image(160, 120, () => [1, 1, 1]),
        [60, 80],
        'crop',
        null,
        'bilinear',
      ).geometry,
    ).toMatchObject({ x0: 0, y0: 0, width: 160, height: 120 });
  });

  it('a mask and a point get exactly the window their picture got', () => {
    const rng = makeRng(11);
    for (const method of METHODS) {
      for (let trial = 0; trial < 4; trial++) {
        const [bx, by] = [10 + Math.floor(rng() * 40), 5 + Math.floor(rng() * 20)];
        const pic = image(64, 32, (x, y) => (x === bx && y === by ? [255, 255, 255] : [0, 0, 0]));
        const mask = image(64, 32, (x, y) => (x === bx && y === by ? [3, 0, 0] : [1, 0, 0]));
        const { pixels, geometry } = resizeItem(pic, [24, 36], method, rng, 'nearest');
        const target = resizeMask(mask, geometry);
        expect(target.length).toBe(24 * 36);
        // Nearest neighbour: a mask pixel is 3 exactly where the picture is bright.
        for (let p = 0; p < 24 * 36; p++) expect(target[p] === 3).toBe(pixels[p * 3] === 255);
        const [u, v] = toUnitRange(...mapPoint(geometry, bx + 0.5, by + 0.5), 36, 24);
        const [ox, oy] = fromUnitRange(u, v, 36, 24);
        expect(unmapPoint(geometry, ox, oy)).toEqual([expect.closeTo(bx + 0.5, 9), expect.closeTo(by + 0.5, 9)]);
      }
    }
  });
});

describe('resizeMask', () => {
  const ids = [0, 3, 7];
  const idAt = (x: number, y: number): number => ids[(x * 7 + y * 3 + ((x * y) % 5)) % 3];

  it('keeps only ids present in the input and follows the image crop exactly', () => {
    const mask = image(37, 23, (x, y) => [idAt(x, y), 0, 0]);
    // The same layout as a picture: R = 30 * id, so image and mask can be compared pixel by pixel.
    const pic = image(37, 23, (x, y) => [30 * idAt(x, y), 0, 0]);
    for (const method of METHODS) {
      for (let seed = 0; seed < 5; seed++) {
        const { pixels, geometry } = resizeItem(pic, 13, method, makeRng(seed), 'nearest');
        const out = resizeMask(mask, geometry);
        expect(out.length).toBe(13 * 13);
        expect(new Set(out).size).toBeLessThanOrEqual(3);
        out.forEach((v, k) => {
          expect(ids).toContain(v);
          expect(pixels[k * 3]).toBe(30 * v);
        });
      }
    }
  });

  it('fills the padding with 0', () => {
    const mask = image(4, 2, () => [5, 0, 0]);
    const { geometry } = resizeItem(known, 4, 'pad', null, 'nearest');
    expect([...resizeMask(mask, geometry)]).toEqual([0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0]);
  });
});

describe('points', () => {
  it('land where the image put the pixel they mark', () => {
    const rng = makeRng(3);
    for (const method of METHODS) {
      for (let trial = 0; trial < 6; trial++) {
        const [bx, by] = [5 + Math.floor(rng() * 30), 5 + Math.floor(rng() * 20)];
        const pic = image(40, 30, (x, y) => (x === bx && y === by ? [255, 255, 255] : [0, 0, 0]));
        const { pixels, geometry } = resizeItem(pic, 16, method, rng, 'bilinear');
        const [ox, oy] = mapPoint(geometry, bx + 0.5, by + 0.5);
        if (ox < 0 || oy < 0 || ox >= 16 || oy >= 16) continue; // cropped away
        let best = 0;
        for (let k = 1; k < 16 * 16; k++) if (pixels[k * 3] > pixels[best * 3]) best = k;
        // Pixel centres sit at index + 0.5 in continuous coordinates.
        expect(Math.hypot((best % 16) + 0.5 - ox, Math.floor(best / 16) + 0.5 - oy)).toBeLessThanOrEqual(1);
        expect(unmapPoint(geometry, ox, oy)).toEqual([expect.closeTo(bx + 0.5, 9), expect.closeTo(by + 0.5, 9)]);
      }
    }
  });

  it('scale to [-1, 1] from edge to edge and back', () => {
    expect(toUnitRange(0, 0, 224)).toEqual([-1, -1]);
    expect(toUnitRange(224, 112, 224)).toEqual([1, 0]);
    expect(fromUnitRange(...toUnitRange(37.5, 3, 64), 64)).toEqual([37.5, 3]);
  });
});
