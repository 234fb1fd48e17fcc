import { describe, expect, it } from 'vitest';
import { SmoothLoss, lrFinderLr, minimumIndex, slideIndex, steepIndex, suggestLrs, valleyIndex } from './lrFinder';

/** A finder-like curve: flat, a valley around 1e-3..1e-1, then divergence, with ripples. */
function syntheticCurve(numIt: number): { lrs: number[]; losses: number[] } {
  const lrs = Array.from({ length: numIt }, (_, i) => 1e-7 * 1e8 ** (i / numIt));
  const smooth = new SmoothLoss(0.98);
  const losses = lrs.map((lr, i) => {
    const x = Math.log10(lr);
    const raw = 2 - 1.5 / (1 + Math.exp(-(x + 3) * 2)) + (x < 0 ? 0 : 3 * x * x) + 0.05 * Math.sin(i * 1.7);
    return smooth.add(raw);
  });
  return { lrs, losses };
}

describe('LR suggestions (fastai v2.5+)', () => {
  it('valley: longest decreasing run, then int(len/3) + int(len/6) into it', () => {
    expect(valleyIndex([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toBe(3);
    // fastai's start is one before the run; a short run would give -1 there, clamped to 0 here.
    expect(valleyIndex([4, 3, 2, 1, 2])).toBe(0);
    expect(valleyIndex([1, 2])).toBe(0);
  });

  it('steep: steepest descent against log lr', () => {
    // slopes: (4-5)/ln10, (1-4)/ln10, (3-1)/ln10 -> the second is steepest
    expect(steepIndex([1e-3, 1e-2, 1e-1, 1], [5, 4, 1, 3])).toBe(1);
  });

  it('slide: the window slides left until the slopes at its ends agree', () => {
    // gradient [-1, -1, -1, -1, -0.5, 0, 0, 0, 0, 4, 8]: windows (7, 10) and (6, 9) differ, (5, 8) agrees.
    expect(slideIndex([5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 9], 3)).toBe(6);
    // A curve shorter than the window suggests its first point.
    expect(slideIndex([3, 2, 1], 15)).toBe(0);
  });

  it('minimum: the first lowest loss', () => {
    expect(minimumIndex([3, 1, 2, 1])).toBe(1);
  });

  it('matches values computed with fastai`s functions on the same curve', () => {
    // Reference: fastai valley/steep/minimum over lrs[10:-5], losses[10:-5] of this curve, run in Python.
    const { lrs, losses } = syntheticCurve(100);
    const s = suggestLrs(lrs, losses, 100);
    expect(s.valley / 0.0020892961308540407).toBeCloseTo(1, 9);
    expect(s.steep / 0.007585775750291836).toBeCloseTo(1, 9);
    expect(s.minimum / 0.2290867652767775).toBeCloseTo(1, 9);
    // fastai's slide (np.gradient, lr_diff 15, thresh 0.005) on the same window, in Python.
    expect(s.slide / 0.005248074602497722).toBeCloseTo(1, 9);
  });

  it('stops at the first NaN and copes with a short run', () => {
    const lrs = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
    const losses = [3, 2.5, 2, 1.5, NaN, NaN];
    const s = suggestLrs(lrs, losses, 100);
    expect(s.minimum).toBeCloseTo(1e-4, 12);
    expect(Number.isFinite(s.valley) && Number.isFinite(s.steep)).toBe(true);
    expect(() => suggestLrs([1e-7], [NaN], 100)).toThrow(/no finite loss/);
  });
});

describe('SmoothLoss (fastai AvgSmoothLoss)', () => {
  it('is the debiased EMA with beta 0.98', () => {
    const s = new SmoothLoss(0.98);
    expect(s.add(2)).toBeCloseTo(2, 12);
    // avg = 0.98 * 0.04 + 0.02 * 1 = 0.0592; / (1 - 0.98^2 = 0.0396)
    expect(s.add(1)).toBeCloseTo(0.0592 / 0.0396, 12);
    s.reset();
    expect(Number.isNaN(s.value)).toBe(true);
  });

  it('matches the Python reference of the curve', () => {
    const { losses } = syntheticCurve(100);
    expect(losses[0]).toBeCloseTo(1.9994969748043003, 12);
    expect(losses[1]).toBeCloseTo(2.0244949518390625, 12);
    expect(losses[50]).toBeCloseTo(1.8134452704151354, 12);
  });
});

describe("the LR finder's rates", () => {
  it('LR finder ramp: start * (end / start) ** (i / numIt)', () => {
    expect(lrFinderLr(0, 100)).toBeCloseTo(1e-7, 20);
    expect(lrFinderLr(50, 100)).toBeCloseTo(1e-3, 12);
    expect(lrFinderLr(25, 100)).toBeCloseTo(1e-5, 14);
    expect(lrFinderLr(100, 100)).toBeCloseTo(10, 9);
  });
});
