import { describe, expect, it } from 'vitest';
import { combinedCos, lrsForGroups, oneCycleLr, oneCycleMom, schedCos, schedExp, schedLin, sched_cos, spreadLrs } from './schedules';

describe('schedule functions (fastai callback/schedule.py)', () => {
  it('cosine goes start -> end with the midpoint halfway', () => {
    expect(schedCos(1, 0, 0)).toBeCloseTo(1, 12);
    expect(schedCos(1, 0, 0.5)).toBeCloseTo(0.5, 12);
    expect(schedCos(1, 0, 1)).toBeCloseTo(0, 12);
    // pos 0.25: 1 + (1 + cos(0.75 pi)) * (0 - 1) / 2 = 1 - (1 - 0.70711) / 2
    expect(schedCos(1, 0, 0.25)).toBeCloseTo(1 - (1 - Math.SQRT1_2) / 2, 12);
    expect(sched_cos).toBe(schedCos);
  });

  it('linear and exponential', () => {
    expect(schedLin(2, 4, 0.25)).toBe(2.5);
    expect(schedExp(1e-7, 10, 0.5)).toBeCloseTo(1e-3, 12);
    expect(schedExp(1e-7, 10, 1)).toBeCloseTo(10, 9);
  });

  it('combinedCos switches pieces at pct', () => {
    const f = combinedCos(0.25, 1, 2, 0);
    expect(f(0)).toBeCloseTo(1, 12);
    expect(f(0.125)).toBeCloseTo(1.5, 12);
    expect(f(0.25)).toBeCloseTo(2, 12);
    expect(f(0.625)).toBeCloseTo(1, 12);
    expect(f(1)).toBeCloseTo(0, 12);
  });

  it('one-cycle lr: lrMax/25 -> lrMax at 25% -> lrMax/1e5', () => {
    const lr = oneCycleLr(1e-2);
    expect(lr(0)).toBeCloseTo(4e-4, 15);
    expect(lr(0.125)).toBeCloseTo((4e-4 + 1e-2) / 2, 15);
    expect(lr(0.25)).toBeCloseTo(1e-2, 15);
    expect(lr(0.625)).toBeCloseTo((1e-2 + 1e-7) / 2, 15);
    expect(lr(1) / 1e-7).toBeCloseTo(1, 9);
  });

  it('one-cycle momentum: 0.95 -> 0.85 -> 0.95', () => {
    const mom = oneCycleMom();
    expect(mom(0)).toBeCloseTo(0.95, 12);
    expect(mom(0.125)).toBeCloseTo(0.9, 12);
    expect(mom(0.25)).toBeCloseTo(0.85, 12);
    expect(mom(0.625)).toBeCloseTo(0.9, 12);
    expect(mom(1)).toBeCloseTo(0.95, 12);
  });

  it('one-cycle honours custom div, divFinal and pctStart', () => {
    const lr = oneCycleLr(1, { div: 10, divFinal: 100, pctStart: 0.5 });
    expect(lr(0)).toBeCloseTo(0.1, 12);
    expect(lr(0.5)).toBeCloseTo(1, 12);
    expect(lr(1)).toBeCloseTo(0.01, 12);
  });
});

describe('spreadLrs (fastai even_mults)', () => {
  it('is geometric from lo to hi', () => {
    const lrs = spreadLrs(1e-5, 1e-3, 3);
    expect(lrs[0]).toBeCloseTo(1e-5, 15);
    expect(lrs[1]).toBeCloseTo(1e-4, 15);
    expect(lrs[2]).toBe(1e-3);
    const five = spreadLrs(1e-6, 1e-2, 5);
    [1e-6, 1e-5, 1e-4, 1e-3, 1e-2].forEach((v, i) => expect(five[i] / v).toBeCloseTo(1, 10));
  });

  it('one group gets hi; a single lr is copied to every group', () => {
    expect(spreadLrs(1e-5, 1e-3, 1)).toEqual([1e-3]);
    expect(lrsForGroups(3e-3, 3)).toEqual([3e-3, 3e-3, 3e-3]);
    expect(lrsForGroups([1e-4, 1e-2], 3).map((v) => +v.toPrecision(12))).toEqual([1e-4, 1e-3, 1e-2]);
  });
});

describe('one-cycle options passed as undefined', () => {
  it("take fastai's defaults (autoLr passes { pctStart: undefined })", () => {
    expect(oneCycleLr(1e-2, { pctStart: undefined })(0)).toBeCloseTo(1e-2 / 25, 12);
    expect(oneCycleLr(1e-2, { pctStart: undefined, div: undefined, divFinal: undefined })(1)).toBeCloseTo(1e-7, 14);
    expect(oneCycleMom({ pctStart: undefined, moms: undefined })(0.25)).toBeCloseTo(0.85, 12);
  });
});
