/**
 * 3x3 projective matrices on plain numbers (row-major), enough to compose fastai's affine and
 * perspective augmentations per image before a single resampling.
 */

/** Row-major 3x3 matrix `[m00, m01, m02, m10, m11, m12, m20, m21, m22]`. */
export type Mat3 = readonly number[];

/** The identity matrix. */
export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Product a·b (apply b first, then a). */
export function matMul(a: Mat3, b: Mat3): Mat3 {
  const out: number[] = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
    }
  }
  return out;
}

/** Product of several matrices left to right: matChain(a, b, c) = a·b·c. */
export function matChain(...ms: Mat3[]): Mat3 {
  return ms.reduce((acc, m) => matMul(acc, m), IDENTITY);
}

/** Inverse by the adjugate: inv = adj(m) / det(m). Throws on a singular matrix. */
export function matInvert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new Error('Cannot invert a singular transform matrix');
  const adj = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d];
  return adj.map((v) => v / det);
}

/** Applies m to (x, y) in homogeneous coordinates: (x', y') = (m·[x, y, 1])[0..1] / (m·[x, y, 1])[2]. */
export function applyToPoint(m: Mat3, x: number, y: number): [number, number] {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

/** True when m equals the identity up to `eps`. */
export function isIdentity(m: Mat3, eps = 1e-12): boolean {
  return m.every((v, k) => Math.abs(v - IDENTITY[k]) <= eps);
}

/**
 * The homography H (with h22 = 1) sending each `from[k]` to `to[k]` (four point pairs), as
 * fastai's `find_coeffs`. Each pair gives two rows of an 8x8 system:
 * h0 x + h1 y + h2 - h6 x X - h7 y X = X and h3 x + h4 y + h5 - h6 x Y - h7 y Y = Y.
 */
export function homographyFromPoints(from: readonly (readonly [number, number])[], to: readonly (readonly [number, number])[]): Mat3 {
  const a: number[][] = [];
  const rhs: number[] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = from[k];
    const [X, Y] = to[k];
    a.push([x, y, 1, 0, 0, 0, -x * X, -y * X]);
    rhs.push(X);
    a.push([0, 0, 0, x, y, 1, -x * Y, -y * Y]);
    rhs.push(Y);
  }
  return [...solve(a, rhs), 1];
}

/** Solves a·h = rhs by Gaussian elimination with partial pivoting (a and rhs are consumed). */
function solve(a: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) throw new Error('Degenerate points for a perspective transform');
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [rhs[col], rhs[pivot]] = [rhs[pivot], rhs[col]];
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / a[col][col];
      for (let c = col; c < n; c++) a[r][c] -= f * a[col][c];
      rhs[r] -= f * rhs[col];
    }
  }
  const h = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = rhs[r];
    for (let c = r + 1; c < n; c++) s -= a[r][c] * h[c];
    h[r] = s / a[r][r];
  }
  return h;
}
