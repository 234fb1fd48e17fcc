import { describe, expect, it } from 'vitest';
import { linear, lossAxisTop, niceTicks, tickLabel } from './scale';

describe('niceTicks', () => {
  it('picks round steps and widens the range to the outer ticks', () => {
    expect(niceTicks(0, 0.73, 4)).toEqual({ ticks: [0, 0.2, 0.4, 0.6, 0.8], lo: 0, hi: 0.8 });
    expect(niceTicks(0, 140, 5)).toEqual({ ticks: [0, 50, 100, 150], lo: 0, hi: 150 });
    expect(niceTicks(0, 0.01, 4).ticks).toEqual([0, 0.005, 0.01]);
    expect(niceTicks(0, 2.3e-3, 4).ticks).toEqual([0, 0.001, 0.002, 0.003]);
  });

  it('survives an empty or flat range', () => {
    expect(niceTicks(0, 0).ticks.length).toBeGreaterThan(1);
    expect(niceTicks(NaN, 3)).toEqual({ ticks: [0, 1], lo: 0, hi: 1 });
    const flat = niceTicks(0.5, 0.5, 4);
    expect(flat.lo).toBeLessThanOrEqual(0.5);
    expect(flat.hi).toBeGreaterThan(0.5);
  });
});

describe('tickLabel and linear', () => {
  it('labels learning rates in exponent form and losses plainly', () => {
    expect(tickLabel(0.004, true)).toBe('4e-3');
    expect(tickLabel(0.25)).toBe('0.25');
    expect(tickLabel(0)).toBe('0');
    expect(tickLabel(0.0002)).toBe('2e-4');
  });

  it('maps a range onto pixels, flipped for y', () => {
    const y = linear(0, 2, 100, 0);
    expect([y(0), y(1), y(2)]).toEqual([100, 50, 0]);
  });
});

describe('lossAxisTop', () => {
  it('follows the curves, and stops below a diverged blow-up so the rest stays readable', () => {
    const run = Array.from({ length: 100 }, (_, i) => 0.7 * Math.exp(-i / 30) + 0.05);
    expect(lossAxisTop(run, [0.4, 0.2], [0.75])).toEqual({ top: 0.75, offChart: null });
    const diverged = [...run, 30, 300, 3300];
    const axis = lossAxisTop(diverged, [0.4, 0.2], [0.75]);
    expect(axis.offChart).toBe(3300);
    expect(axis.top).toBeGreaterThanOrEqual(0.75);
    expect(axis.top).toBeLessThan(3);
    // A run that is all blow-up is drawn whole.
    expect(lossAxisTop([2e3, 3e3, 5e3], [], [])).toEqual({ top: 5e3, offChart: null });
  });
});
