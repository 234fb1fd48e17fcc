import { describe, expect, it } from 'vitest';
import type { ResultsInfo } from '../core/interpret/resultsInfo';
import { resultsView } from './resultsView';

const thumb = (index: number, size: number) => ({ index, path: `valid/${index}.png`, height: size, width: size, rgba: new Uint8ClampedArray(size * size * 4) });

describe('resultsView', () => {
  it('segmentation: IoU per class without void, prediction and truth tiles', () => {
    // Two 2x2 masks; classes: Void, Background, Digit.
    const r: ResultsInfo = {
      task: 'segmentation',
      classes: ['Void', 'Background', 'Digit'],
      voidIndex: 0,
      height: 2,
      width: 2,
      count: 2,
      probs: new Float32Array(0),
      targets: new Float32Array(0),
      losses: Float32Array.from([0.5, 0.1]),
      paths: ['a', 'b'],
      predMasks: Int32Array.from([1, 2, 2, 1, 1, 1, 2, 2]),
      trueMasks: Int32Array.from([0, 2, 2, 1, 1, 1, 2, 1]),
      thumbs: [thumb(0, 2), thumb(1, 2)],
      thresh: 0.2,
      metrics: {},
    };
    const v = resultsView(r, 2);
    if (v.task !== 'segmentation') throw new Error('segmentation expected');
    // Digit: predicted {1,2,6,7}, true {1,2,6}: IoU 3/4. Background: predicted {0,3,4,5} minus void pixel 0, true {3,4,5,7}: 3/4.
    expect(v.ious.find((c) => c.name === 'Digit')!.iou).toBeCloseTo(0.75);
    expect(v.ious.find((c) => c.name === 'Background')!.iou).toBeCloseTo(0.75);
    expect(v.ious.some((c) => c.name === 'Void')).toBe(false);
    expect(v.shown[0].truth?.mask).toEqual(Int32Array.from([0, 2, 2, 1]));
    expect(v.top[0].index).toBe(0);
  });

  it('points: pixel errors, a histogram, and both markers on the tile', () => {
    const r: ResultsInfo = {
      task: 'points',
      classes: [],
      voidIndex: -1,
      height: 64,
      width: 64,
      count: 2,
      probs: Float32Array.from([0, 0, 0.5, 0.5]),
      targets: Float32Array.from([0, 0.25, 0.5, 0.5]),
      losses: Float32Array.from([0.03, 0]),
      paths: ['a', 'b'],
      thumbs: [thumb(0, 64), thumb(1, 64)],
      thresh: 0.2,
      metrics: {},
    };
    const v = resultsView(r, 2);
    if (v.task !== 'points') throw new Error('points expected');
    expect(v.errors).toEqual([8, 0]); // 0.25 of the half-side 32 px
    expect(v.meanError).toBe(4);
    expect(v.bins.reduce((n, b) => n + b.count, 0)).toBe(2);
    expect(v.shown[0].predicted.point).toEqual([32, 32]);
    expect(v.shown[0].predicted.truePoint).toEqual([32, 40]);
    expect(v.shown[0].correct).toBe(false); // 8 px is over a tenth of 64
    expect(v.shown[1].correct).toBe(true);
  });
});
