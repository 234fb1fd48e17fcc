import { describe, expect, it } from 'vitest';
import { decodeInNode } from '../../io/node/nodeDecode';
import { scaledSize } from '../../io/browserDecode';
import { buildDataBlock } from './block';
import { DECODED_BUDGET_BYTES, keptSize } from './decode';
import { loadAll } from './pixels';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from './infer';
import { maskFile, memoryFile, pngBytes } from './testing/fixtures';
import type { DataBlockSpec, ImageDecoder } from './types';

/**
 * What the browser's decoder does with a hint, on Node: decode, then scale a larger picture so
 * its shorter side is the hint's (nearest neighbour), reporting the file's own size.
 */
const scalingDecoder: ImageDecoder = async (file, hint) => {
  const full = await decodeInNode(file);
  const target = hint ? scaledSize(full.width, full.height, hint.shortSide) : null;
  if (!target) return full;
  const [w, h] = target;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = Math.floor(((x + 0.5) * full.width) / w);
      const sy = Math.floor(((y + 0.5) * full.height) / h);
      data.set(full.data.subarray((sy * full.width + sx) * 4, (sy * full.width + sx) * 4 + 4), (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data, sourceWidth: full.width, sourceHeight: full.height };
};

const size = 8;
const pointsSpec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  items: { kind: 'csv', csvPath: 'p.csv', fileColumn: 'image', folder: 'images' },
  label: { kind: 'points', xColumn: 'x', yColumn: 'y' },
  split: { kind: 'random', validPct: 0.5, seed: 3 },
  transforms: { ...DEFAULT_TRANSFORMS, size },
};
const maskSpec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  items: { kind: 'folder', folder: 'images' },
  label: { kind: 'mask', template: 'labels/{name}_P{ext}', codesPath: 'codes.txt', voidCode: 'Void' },
  split: { kind: 'random', validPct: 0.5, seed: 1 },
  transforms: { ...DEFAULT_TRANSFORMS, size },
};
/** A 64 x 32 picture, brighter to the right, so scaling has something to keep. */
const wide = (path: string) =>
  memoryFile(
    path,
    pngBytes(64, 32, (x) => [x * 4, 100, 50]),
  );

describe('keptSize', () => {
  it('keeps twice the training size while it fits the budget, less when it does not, and flags what cannot fit', () => {
    expect(keptSize(700, 64)).toEqual({ shortSide: 128, overBudget: false });
    // 40,479 Planet tiles: 4 * 40479 * 81^2 bytes is just under 1 GiB.
    expect(keptSize(40_479, 64)).toEqual({ shortSide: 81, overBudget: false });
    expect(4 * 40_479 * 81 ** 2).toBeLessThanOrEqual(DECODED_BUDGET_BYTES);
    expect(keptSize(40_479, 128)).toEqual({ shortSide: 128, overBudget: true });
  });

  it('streams the block when the pictures cannot fit, and says so in the decode step', async () => {
    const files = [pngFile('train/a/x.png'), pngFile('valid/a/y.png'), pngFile('train/b/z.png'), pngFile('valid/b/w.png')];
    const spec: DataBlockSpec = { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: { ...DEFAULT_TRANSFORMS, size: 1024 }, batch: { ...DEFAULT_SPEC.batch, memoryMB: 8 } };
    const block = await buildDataBlock(spec, { files, decode: decodeInNode });
    expect(block.pixels.streamed).toBe(true);
    expect(block.steps.find((s) => s.step === 'decode')?.text).toMatch(/at 1024 px they need 16 MB, over the 8 MB memory budget/);
  });
});

function pngFile(path: string) {
  return memoryFile(
    path,
    pngBytes(4, 4, () => [1, 2, 3]),
  );
}

describe('decoding with a scaling decoder (as the browser does)', () => {
  it('scales large pictures to twice the training size and maps points by the same scale', async () => {
    const csv = 'image,x,y\na.png,32,16\nb.png,63,0\n';
    const block = await buildDataBlock(pointsSpec, { files: [memoryFile('p.csv', csv), wide('images/a.png'), wide('images/b.png')], decode: scalingDecoder });
    expect(block.ok).toBe(true);
    const all = await loadAll(block.pixels, [...block.train, ...block.valid]);
    for (const d of all) expect([d.image.width, d.image.height, d.image.sourceWidth, d.image.sourceHeight]).toEqual([32, 16, 64, 32]);
    const byPath = Object.fromEntries(all.map((d) => [d.item.path, d.point]));
    expect(byPath['images/a.png']).toEqual([16, 8]);
    expect(byPath['images/b.png']).toEqual([31.5, 0]);
  });

  it('checks a mask against its image at the files\u2019 own sizes, and keeps mask ids exact', async () => {
    const files = [
      memoryFile('codes.txt', 'Void\nRoad\nSky\n'),
      wide('images/a.png'),
      maskFile('labels/a_P.png', 64, 32, (x) => (x < 32 ? 1 : 2)),
      wide('images/b.png'),
      maskFile('labels/b_P.png', 64, 32, () => 1),
      wide('images/c.png'),
      // Scaled, this 60 x 32 mask would come back 30 x 16, not its image's 32 x 16; unscaled it is still the wrong size.
      maskFile('labels/c_P.png', 60, 32, () => 1),
    ];
    const block = await buildDataBlock(maskSpec, { files, decode: scalingDecoder });
    expect(block.problems.find((p) => p.file === 'labels/c_P.png')?.message).toBe('Mask labels/c_P.png is 60x32 but its image images/c.png is 64x32: skipped');
    const kept = await loadAll(block.pixels, [...block.train, ...block.valid]);
    expect(kept).toHaveLength(2);
    for (const d of kept) {
      expect([d.mask!.width, d.mask!.height]).toEqual([d.image.width, d.image.height]);
      const ids = new Set(Array.from({ length: d.mask!.width * d.mask!.height }, (_, p) => d.mask!.data[p * 4]));
      expect([...ids].every((id) => id === 1 || id === 2)).toBe(true);
    }
  });
});
