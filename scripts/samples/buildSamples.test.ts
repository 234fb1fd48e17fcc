import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSamples, SAMPLES_VERSION } from './build';
import type { SamplesIndex } from './build';

let dirA = '';
let dirB = '';
let index: SamplesIndex;

function csvRows(path: string): { header: string; rows: string[][] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header, rows: lines.map((l) => l.split(',')) };
}

function pngFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.png'));
}

function readPng(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

/** Hashes every file listed in index.json (and index.json itself), in order. */
function hashBuild(dir: string, idx: SamplesIndex): string {
  const hash = createHash('sha256').update(readFileSync(join(dir, 'index.json')));
  for (const s of idx.samples) for (const f of s.files) hash.update(f).update(readFileSync(join(dir, s.name, f)));
  return hash.digest('hex');
}

beforeAll(() => {
  dirA = mkdtempSync(join(tmpdir(), 'samples-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'samples-b-'));
  index = buildSamples(dirA).index;
});

afterAll(() => {
  rmSync(dirA, { recursive: true, force: true });
  rmSync(dirB, { recursive: true, force: true });
});

describe('buildSamples', () => {
  it('writes an index listing every file of each sample, and nothing unlisted', () => {
    expect(index.version).toBe(SAMPLES_VERSION);
    expect(index.samples.map((s) => s.name)).toEqual(['mnist_tiny', 'planet_tiny', 'camvid_tiny', 'headpose_tiny']);
    for (const s of index.samples) {
      expect(s.title.length).toBeGreaterThan(0);
      for (const f of s.files) expect(existsSync(join(dirA, s.name, f)), f).toBe(true);
      const onDisk = readdirSync(join(dirA, s.name), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(onDisk.length).toBe(s.files.length);
    }
  });

  it('builds mnist_tiny in the MNIST_TINY layout', () => {
    const root = join(dirA, 'mnist_tiny');
    expect(pngFiles(join(root, 'train/3')).length).toBe(280);
    expect(pngFiles(join(root, 'train/7')).length).toBe(280);
    expect(pngFiles(join(root, 'valid/3')).length).toBe(70);
    expect(pngFiles(join(root, 'valid/7')).length).toBe(70);
    const { header, rows } = csvRows(join(root, 'labels.csv'));
    expect(header).toBe('name,label,is_valid');
    expect(rows.length).toBe(700);
    for (const [name, label, isValid] of rows) {
      expect(name).toMatch(new RegExp(`^(train|valid)/${label}/\\d+\\.png$`));
      expect(isValid).toBe(name.startsWith('valid/') ? 'True' : 'False');
      expect(existsSync(join(root, name)), name).toBe(true);
    }
    const png = readPng(join(root, rows[0][0]));
    expect([png.width, png.height]).toEqual([28, 28]);
  });

  it('builds planet_tiny with sorted space-separated tags', () => {
    const root = join(dirA, 'planet_tiny');
    expect(pngFiles(join(root, 'train')).length).toBe(400);
    const { header, rows } = csvRows(join(root, 'labels.csv'));
    expect(header).toBe('image_name,tags');
    expect(rows.length).toBe(400);
    for (const [name, tags] of rows) {
      expect(name).not.toMatch(/\.png$/);
      expect(existsSync(join(root, 'train', `${name}.png`)), name).toBe(true);
      const words = tags.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(3);
      expect(new Set(words).size).toBe(words.length);
      expect(words).toEqual([...words].sort());
    }
    const png = readPng(join(root, 'train/train_0.png'));
    expect([png.width, png.height]).toEqual([64, 64]);
  });

  it('builds camvid_tiny masks of valid codes, same size as their images', () => {
    const root = join(dirA, 'camvid_tiny');
    const codes = readFileSync(join(root, 'codes.txt'), 'utf8').trimEnd().split('\n');
    expect(codes).toEqual(['Void', 'Background', 'Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine']);
    const images = pngFiles(join(root, 'images'));
    expect(images.length).toBe(200);
    expect(pngFiles(join(root, 'labels')).length).toBe(200);
    const seen = new Set<number>();
    for (const name of images) {
      const maskBytes = readFileSync(join(root, 'labels', name.replace('.png', '_P.png')));
      expect(maskBytes[25], 'mask colour type').toBe(0);
      const mask = PNG.sync.read(maskBytes);
      const image = readPng(join(root, 'images', name));
      expect([mask.width, mask.height]).toEqual([image.width, image.height]);
      // One expect per mask: a per-pixel expect costs seconds over 200 masks.
      let max = 0;
      for (let i = 0; i < mask.data.length; i += 4) {
        max = Math.max(max, mask.data[i]);
        seen.add(mask.data[i]);
      }
      expect(max, name).toBeLessThan(12);
    }
    expect(seen.has(0) && seen.has(1)).toBe(true);
    expect([...seen].filter((v) => v >= 2).length).toBe(10);
  });

  it('builds headpose_tiny points inside the image, near the bright pixels', () => {
    const root = join(dirA, 'headpose_tiny');
    expect(pngFiles(join(root, 'images')).length).toBe(300);
    const { header, rows } = csvRows(join(root, 'points.csv'));
    expect(header).toBe('image,x,y');
    expect(rows.length).toBe(300);
    for (const [name, xs, ys] of rows) {
      expect(xs).toMatch(/^\d+\.\d\d$/);
      const png = readPng(join(root, name));
      const [x, y] = [Number(xs), Number(ys)];
      expect(x > 0 && x < png.width && y > 0 && y < png.height).toBe(true);
      // Backgrounds stay below ~120 per channel and digits above ~170 where the stroke is solid.
      let [n, sx, sy] = [0, 0, 0];
      for (let i = 0; i < png.width * png.height; i++) {
        const d = png.data.subarray(i * 4, i * 4 + 3);
        if (Math.max(d[0], d[1], d[2]) <= 170) continue;
        [n, sx, sy] = [n + 1, sx + (i % png.width) + 0.5, sy + Math.floor(i / png.width) + 0.5];
      }
      expect(n).toBeGreaterThan(10);
      expect(Math.hypot(sx / n - x, sy / n - y), name).toBeLessThan(2.5);
    }
  });

  it('gives byte-identical output on a second build, and skips an up-to-date folder', () => {
    const second = buildSamples(dirB);
    expect(second.skipped).toBe(false);
    expect(hashBuild(dirB, second.index)).toBe(hashBuild(dirA, index));
    expect(buildSamples(dirB).skipped).toBe(true);
    expect(buildSamples(dirB, { force: true }).skipped).toBe(false);
  });
});
