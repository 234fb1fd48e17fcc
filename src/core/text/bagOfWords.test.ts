import { describe, expect, it } from 'vitest';
import { bagOfWordsAccuracy } from './bagOfWords';

describe('bag-of-words baseline', () => {
  it('separates two classes told apart by their words, and scores chance on noise', () => {
    // Class 0 uses words 10-19, class 1 words 20-29, both share words 30-39.
    const make = (n: number, cls: number, seed: number) => Array.from({ length: n }, (_, i) => Int32Array.from({ length: 8 }, (_, j) => (j % 2 ? 30 + ((i + j + seed) % 10) : 10 + cls * 10 + ((i * 3 + j + seed) % 10))));
    const train = [...make(20, 0, 1), ...make(20, 1, 2)];
    const valid = [...make(10, 0, 5), ...make(10, 1, 6)];
    const y = (a: number, b: number) => [...Array(a).fill(0), ...Array(b).fill(1)];
    expect(bagOfWordsAccuracy(train, y(20, 20), valid, y(10, 10), 40, 2)).toBe(1);
    // Labels unrelated to the words: no better than a coin.
    const noisy = train.map((_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    expect(bagOfWordsAccuracy(train, noisy, valid, y(10, 10), 40, 2)).toBeLessThan(0.8);
  });
});
