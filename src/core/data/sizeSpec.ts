/**
 * A training size as fastai takes it: one number for a square, or `[height, width]` for a
 * rectangle (`size=(120, 160)` in the head-pose lesson). Plain JSON, so a saved spec whose size
 * is a number stays valid. Code that needs the two sides reads them through `sidesOf`.
 */
export type SizeSpec = number | readonly [number, number];

/** Height and width in pixels. */
export interface Sides {
  readonly height: number;
  readonly width: number;
}

/**
 * The two sides of a size.
 * @example sidesOf(64) // { height: 64, width: 64 }; sidesOf([120, 160]) // { height: 120, width: 160 }
 */
export function sidesOf(size: SizeSpec): Sides {
  return typeof size === 'number' ? { height: size, width: size } : { height: size[0], width: size[1] };
}

/** The size written back from its sides: a number when square, so square specs keep their old form. */
export function sizeFromSides(s: Sides): SizeSpec {
  return s.height === s.width ? s.height : [s.height, s.width];
}

/**
 * The size as a person reads it: `64` or `120×160` (height × width, as fastai prints shapes).
 * @example formatSize([120, 160]) // '120×160'
 */
export function formatSize(size: SizeSpec): string {
  const { height, width } = sidesOf(size);
  return height === width ? `${height}` : `${height}×${width}`;
}

/**
 * Reads a size typed in a form or on the command line: `64`, `120x160`, `120×160`, `120,160`
 * or `120 160` (height first). Returns the size, or a message saying what was wrong.
 * @example parseSize('120x160') // [120, 160]; parseSize('abc') // { error: '...' }
 */
export function parseSize(text: string): SizeSpec | { readonly error: string } {
  // An empty part ('64x') is an error, not a square.
  const parts = text.trim().split(/\s*[x×X*,]\s*|\s+/);
  const nums = parts.map((p) => (p === '' ? NaN : Number(p)));
  if ((nums.length === 1 || nums.length === 2) && nums.every((n) => Number.isInteger(n) && n > 0)) {
    return nums.length === 1 ? nums[0] : sizeFromSides({ height: nums[0], width: nums[1] });
  }
  return { error: `Size must be one whole number (a square, e.g. 128) or height × width (e.g. 120x160), not "${text}"` };
}

/** Whether `parseSize` answered with a message rather than a size. */
export function isSizeError(v: SizeSpec | { readonly error: string }): v is { readonly error: string } {
  return typeof v === 'object' && !Array.isArray(v);
}

/** Whether two sizes have the same sides (`64` and `[64, 64]` are the same). */
export function sameSize(a: SizeSpec, b: SizeSpec): boolean {
  const x = sidesOf(a),
    y = sidesOf(b);
  return x.height === y.height && x.width === y.width;
}

/** The size scaled by `factor`, each side rounded (progressive resizing: 64 -> 128). */
export function scaleSize(size: SizeSpec, factor: number): SizeSpec {
  const { height, width } = sidesOf(size);
  return sizeFromSides({ height: Math.round(height * factor), width: Math.round(width * factor) });
}
