import { describe, expect, it } from 'vitest';
import { channelGradSumsInto, relu6GradInto } from './wasmHeapKernels';

describe('relu6GradInto', () => {
  it('passes dy exactly where 0 < x <= 6 and gives +0 elsewhere, at the edges and for NaN and infinities', () => {
    const x = Float32Array.from([-0, 0, 1e-45, 1e-30, 0.5, 5.999999, 6, 6.000001, 7, -1e-45, -3, Infinity, -Infinity, NaN, -NaN, 3]);
    const dy = Float32Array.from(x, (_, i) => (i % 3 === 0 ? -(i + 1.25) : i + 0.5));
    dy[15] = NaN;
    const out = new Float32Array(x.length).fill(99);
    relu6GradInto(dy, x, out);
    const expected = Array.from(x, (v, i) => (v > 0 && v <= 6 ? dy[i] : 0));
    expect(Array.from(out)).toEqual(expected);
    // Masked elements are +0, never -0 (a multiply by 0 would give -0 for a negative dy).
    for (let i = 0; i < x.length; i++) if (!(x[i] > 0 && x[i] <= 6)) expect(Object.is(out[i], 0)).toBe(true);
  });
});

describe('channelGradSumsInto', () => {
  it.each([1, 3, 4, 7, 8, 13])('gives sum(dy) and sum(dy * (x - mean)) per channel with %i channels', (c) => {
    const rows = 9;
    const dy = Float32Array.from({ length: rows * c }, (_, i) => Math.sin(i * 1.3));
    const x = Float32Array.from({ length: rows * c }, (_, i) => Math.cos(i * 0.7) * 3);
    const mean = Float32Array.from({ length: c }, (_, k) => k / 3 - 1);
    const out = new Float32Array(2 * c);
    channelGradSumsInto(dy, x, mean, out);
    for (let k = 0; k < c; k++) {
      let s0 = 0;
      let s1 = 0;
      for (let r = 0; r < rows; r++) {
        s0 += dy[r * c + k];
        s1 += dy[r * c + k] * (x[r * c + k] - mean[k]);
      }
      expect(out[k]).toBeCloseTo(s0, 5);
      expect(out[c + k]).toBeCloseTo(s1, 5);
    }
  });
});
