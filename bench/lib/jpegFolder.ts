import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { makeRng } from '../../src/core/data/random';

/** A generated image folder on disk and how to remove it. */
export interface JpegFolder {
  readonly root: string;
  readonly count: number;
  /** Bytes of JPEG written. */
  readonly bytes: number;
  remove(): void;
}

/**
 * Writes `count` seeded `size x size` JPEGs (quality 85) into `<tmp>/<class>/<i>.jpg` with two
 * classes, for the pipeline benchmark: smooth colour gradients, stripes and noise, so the files
 * carry real detail rather than flat colour that decodes unrealistically fast. `distinct`
 * pictures are encoded and written in turn (jpeg-js encodes slowly; a decoder caches nothing,
 * so repeats decode at the same cost).
 */
export function writeJpegFolder(count: number, size = 256, distinct = 16, seed = 7): JpegFolder {
  const root = mkdtempSync(join(tmpdir(), 'bench-jpegs-'));
  const rng = makeRng(seed);
  for (const cls of ['a', 'b']) mkdirSync(join(root, cls));
  const encoded = Array.from({ length: Math.min(distinct, count) }, () => jpeg.encode({ data: picture(size, rng), width: size, height: size }, 85).data);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const data = encoded[i % encoded.length];
    writeFileSync(join(root, i % 2 ? 'b' : 'a', `${i}.jpg`), data);
    bytes += data.length;
  }
  return { root, count, bytes, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** One RGBA picture: a colour ramp, a diagonal wave and per-pixel noise. */
function picture(size: number, rng: () => number): Uint8Array {
  const data = new Uint8Array(size * size * 4);
  const [fx, fy, phase] = [rng() * 0.2, rng() * 0.2, rng() * 6.28];
  const base = [rng() * 255, rng() * 255, rng() * 255];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = (y * size + x) * 4;
      const wave = 60 * Math.sin(fx * x + fy * y + phase);
      for (let c = 0; c < 3; c++) data[p + c] = Math.max(0, Math.min(255, base[c] * (x / size) + wave + (rng() - 0.5) * 40 + 40 * c * (y / size)));
      data[p + 3] = 255;
    }
  }
  return data;
}
