import { describe, expect, it } from 'vitest';
import { schedulePreview } from './schedulePreview';
import { initialTrainState } from './trainState';

const learner = { task: 'single' as const, arch: 'xresnet', totalParams: 3, groups: ['body 1', 'body 2', 'head'].map((name) => ({ name, params: 1, frozen: false })) };

describe('schedulePreview', () => {
  it("draws fastai's one-cycle: lr/25 up to the rate at pct_start, down to lr/1e5; momentum 0.95-0.85-0.95", () => {
    const p = schedulePreview({ ...initialTrainState, lrInput: '1e-2', epochs: 4 })!;
    expect(p.groups).toHaveLength(1);
    const lrs = p.groups[0].lrs;
    expect(lrs[0]).toBeCloseTo(1e-2 / 25, 10);
    expect(Math.max(...lrs)).toBeCloseTo(1e-2, 10);
    expect(p.epochs[lrs.indexOf(Math.max(...lrs))]).toBeCloseTo(1, 5); // 25% of 4 epochs
    expect(lrs.at(-1)).toBeCloseTo(1e-7, 12);
    expect([p.mom[0], Math.min(...p.mom), p.mom.at(-1)]).toEqual([0.95, expect.closeTo(0.85, 10), expect.closeTo(0.95, 10)]);
  });

  it('follows the knobs, and a slice gives each layer group its own curve', () => {
    const p = schedulePreview({ ...initialTrainState, learner, lrInput: '1e-5,1e-3', epochs: 2, cycle: { pctStart: 0.5, div: 10, divFinal: 100, moms: [0.9, 0.8, 0.9] } })!;
    expect(p.groups.map((g) => g.name)).toEqual(['body 1', 'body 2', 'head']);
    expect(p.groups.map((g) => Math.max(...g.lrs))).toEqual([expect.closeTo(1e-5, 12), expect.closeTo(1e-4, 12), expect.closeTo(1e-3, 12)]);
    const head = p.groups[2].lrs;
    expect(head[0]).toBeCloseTo(1e-4, 12);
    expect(p.epochs[head.indexOf(Math.max(...head))]).toBeCloseTo(1, 5);
    expect(head.at(-1)).toBeCloseTo(1e-5, 12);
    expect(Math.min(...p.mom)).toBeCloseTo(0.8, 10);
  });

  it('is null while the rate box holds no rate', () => {
    expect(schedulePreview({ ...initialTrainState, lrInput: 'abc' })).toBeNull();
  });
});
