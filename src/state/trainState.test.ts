import { describe, expect, it } from 'vitest';
import type { EpochEvent, ProgressEvent } from '../workers/protocol';
import { formatLr, initialTrainState, parseLr, trainReducer, type TrainAction, type TrainState } from './trainState';

const run = (s: TrainState, ...actions: TrainAction[]) => actions.reduce(trainReducer, s);
const progress = (losses: number[], over: Partial<ProgressEvent> = {}): ProgressEvent => ({
  type: 'progress',
  phase: 'train',
  epoch: 0,
  epochs: 2,
  batch: losses.length - 1,
  batchesPerEpoch: 4,
  elapsed: 1,
  lrs: losses.map(() => 1e-3),
  losses,
  smooth: losses,
  ...over,
});
const epoch = (e: number, validLoss: number): EpochEvent => ({ type: 'epoch', fit: 0, epoch: e, trainLoss: 0.5, validLoss, metrics: { accuracy: 0.9 }, seconds: 1 });

describe('parseLr and formatLr', () => {
  it('read a rate or a slice as a person types them, and refuse the rest', () => {
    expect(parseLr('3e-3')).toBe(3e-3);
    expect(parseLr(' 1e-3, 1e-5 ')).toEqual([1e-5, 1e-3]);
    expect(parseLr('1e-5 1e-3')).toEqual([1e-5, 1e-3]);
    for (const bad of ['', 'abc', '0', '-1e-3', '1e-3,0', '1,2,3', 'Infinity', 'NaN']) expect(parseLr(bad), bad).toBeNull();
  });

  it("write two significant digits in fastai's style, and parse back to the same number", () => {
    expect(formatLr(3e-3)).toBe('3e-3');
    expect(formatLr(0.0123)).toBe('1.2e-2');
    expect(formatLr(1)).toBe('1e0');
    for (const lr of [1e-7, 2.5e-4, 0.3, 10]) expect(parseLr(formatLr(lr))).toBeCloseTo(lr, 12);
  });
});

describe('trainReducer', () => {
  it('a fit: its run starts, progress extends the history batch by batch, epochs add rows and validation points, and the run ends', () => {
    const s = run(
      initialTrainState,
      { type: 'busy', busy: 'fit' },
      { type: 'fitStarted', run: { epochs: 2, lr: '1e-3', oneCycle: true, size: 28, frozen: false } },
      { type: 'progress', event: progress([0.9, 0.8]) },
      { type: 'progress', event: progress([0.7, 0.6], { batch: 3 }) },
      { type: 'epoch', event: epoch(0, 0.55) },
      { type: 'fitEnded', status: 'done', tensors: 50 },
      { type: 'busy', busy: null },
    );
    expect(s.runs).toEqual([expect.objectContaining({ index: 1, status: 'done', tensors: 50 })]);
    expect(s.history.iters).toEqual([1, 2, 3, 4]);
    expect(s.history.losses).toEqual([0.9, 0.8, 0.7, 0.6]);
    expect(s.history.validIters).toEqual([4]);
    expect(s.rows).toEqual([expect.objectContaining({ epoch: 0, validLoss: 0.55, run: 1 })]);
    expect(s.progress).toBeNull();
    expect(s.busy).toBeNull();
  });

  it("the LR finder's progress builds its curve, and its result puts auto's rate (else valley) in the box", () => {
    let s = run(initialTrainState, { type: 'finderStarted' }, { type: 'progress', event: progress([1, 0.9], { phase: 'lrFind', lrs: [1e-6, 1e-5] }) });
    expect(s.finder).toMatchObject({ lrs: [1e-6, 1e-5], losses: [1, 0.9], running: true });
    const suggestions = { valley: 2e-3, slide: 1e-2, steep: 1e-3, minimum: 5e-3 };
    s = trainReducer(s, { type: 'finderDone', result: { lrs: [1e-6], losses: [1], suggestions, cancelled: false } });
    expect(s.lrInput).toBe('2e-3');
    s = trainReducer(s, { type: 'finderDone', result: { lrs: [1e-6], losses: [1], suggestions, cancelled: false, auto: { lr: 6e-3, name: '3x valley', reason: 'r' } } });
    expect(s.lrInput).toBe('6e-3');
    expect(s.finder?.running).toBe(false);
  });

  it("an error keeps the running command's busy (only that command frees it), and a new command clears the error", () => {
    const failed = run(initialTrainState, { type: 'busy', busy: 'fit' }, { type: 'failed', error: 'Autosave failed: quota' });
    expect(failed).toMatchObject({ busy: 'fit', error: 'Autosave failed: quota' });
    expect(run(failed, { type: 'busy', busy: null }, { type: 'busy', busy: 'results' })).toMatchObject({ busy: 'results', error: null });
  });

  it("one-cycle knobs merge, and the test set's predictions accumulate with their failures", () => {
    const s = run(
      initialTrainState,
      { type: 'cycle', value: { pctStart: 0.3 } },
      { type: 'testStarted', total: 3, suffix: '.jpg' },
      { type: 'testPredicted', predictions: [{ path: 'test/a.jpg', values: [1, 0] }], failed: [] },
      { type: 'testPredicted', predictions: [{ path: 'test/b.jpg', values: [0, 1] }], failed: ['test/c.jpg: broken'] },
    );
    expect(s.cycle).toEqual({ pctStart: 0.3, div: 25, divFinal: 1e5, moms: [0.95, 0.85, 0.95] });
    expect(s.test).toEqual({
      total: 3,
      suffix: '.jpg',
      predictions: [
        { path: 'test/a.jpg', values: [1, 0] },
        { path: 'test/b.jpg', values: [0, 1] },
      ],
      failed: ['test/c.jpg: broken'],
    });
  });
});
