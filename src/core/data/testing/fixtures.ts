import { PNG } from 'pngjs';
import { memoryFile } from '../../../io/node/nodeFiles';
import type { SourceFile } from '../types';

/** PNG bytes of a `w x h` picture whose pixels come from `fill` (RGBA). */
export function pngBytes(w: number, h: number, fill: (x: number, y: number) => [number, number, number, number?]): Uint8Array {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b, a = 255] = fill(x, y);
      png.data.set([r, g, b, a], (y * w + x) * 4);
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** A small grey PNG under `path`. */
export function pngFile(path: string, w = 8, h = 8, value = 128): SourceFile {
  return memoryFile(
    path,
    pngBytes(w, h, () => [value, value, value]),
  );
}

/** A mask PNG whose R channel holds `codeAt(x, y)`. */
export function maskFile(path: string, w: number, h: number, codeAt: (x: number, y: number) => number): SourceFile {
  return memoryFile(
    path,
    pngBytes(w, h, (x, y) => {
      const c = codeAt(x, y);
      return [c, c, c];
    }),
  );
}

export { memoryFile };
