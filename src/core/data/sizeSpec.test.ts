import { describe, expect, it } from 'vitest';
import { formatSize, parseSize, sameSize, scaleSize, sidesOf, sizeFromSides } from './sizeSpec';

describe('sizes as one number or height × width', () => {
  it('reads the sides of both forms and writes a square back as a number', () => {
    expect(sidesOf(64)).toEqual({ height: 64, width: 64 });
    expect(sidesOf([120, 160])).toEqual({ height: 120, width: 160 });
    expect(sizeFromSides({ height: 32, width: 32 })).toBe(32);
    expect(sizeFromSides({ height: 120, width: 160 })).toEqual([120, 160]);
  });

  it('parses what a person types, height first, and names what is wrong', () => {
    expect(parseSize('128')).toBe(128);
    for (const t of ['120x160', '120×160', '120 x 160', '120,160', '120 160', ' 120X160 ']) expect(parseSize(t)).toEqual([120, 160]);
    expect(parseSize('64x64')).toBe(64);
    for (const t of ['', 'abc', '0', '12.5', '1x2x3', '-4', '64x']) expect(parseSize(t)).toHaveProperty('error');
  });

  it('formats, compares and scales', () => {
    expect(formatSize(64)).toBe('64');
    expect(formatSize([120, 160])).toBe('120×160');
    expect(sameSize(64, [64, 64])).toBe(true);
    expect(sameSize([120, 160], [160, 120])).toBe(false);
    expect(scaleSize([60, 80], 2)).toEqual([120, 160]);
    expect(scaleSize(64, 0.5)).toBe(32);
  });
});
