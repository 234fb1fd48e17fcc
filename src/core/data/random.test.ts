import { describe, expect, it } from 'vitest';
import { makeRng, shuffled } from './random';

describe('makeRng', () => {
  it('gives the same numbers for the same seed on every machine', () => {
    expect(makeRng(42)()).toBe(0.6011037519201636);
    const a = makeRng(7);
    const b = makeRng(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
  it('shuffles without losing or duplicating anything', () => {
    const out = shuffled([1, 2, 3, 4, 5, 6, 7, 8], makeRng(1));
    expect([...out].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
