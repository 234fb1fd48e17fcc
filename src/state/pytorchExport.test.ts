import { describe, expect, it } from 'vitest';
import { recordedRuns } from './pytorchExport';
import type { FitRun } from './trainState';

const run = (over: Partial<FitRun>): FitRun => ({ index: 1, epochs: 2, lr: '1e-3', oneCycle: true, size: 28, frozen: false, status: 'done', ...over });

describe('the runs Export for PyTorch replays', () => {
  it('keeps finished, stopped and interrupted fits with their rate, slice, cycle and fine_tune, and names what it leaves out', () => {
    const { runs, notes } = recordedRuns([
      run({ index: 1, frozen: true, lr: '1e-2' }),
      run({ index: 2, lr: '1e-5, 1e-3', status: 'stopped', cycle: { pctStart: 0.3 } }),
      run({ index: 3, status: 'failed' }),
      run({ index: 4, epochs: 3, lr: '2e-3', frozen: true, fineTune: { freezeEpochs: 1 }, status: 'interrupted' }),
      run({ index: 5, corrections: 2 }),
      run({ index: 6, lr: 'auto' }),
    ]);
    expect(runs).toEqual([
      { epochs: 2, lr: 1e-2, size: 28, frozen: true, oneCycle: true },
      { epochs: 2, lr: [1e-5, 1e-3], size: 28, frozen: false, oneCycle: true, cycle: { pctStart: 0.3 } },
      { epochs: 3, lr: 2e-3, size: 28, frozen: true, oneCycle: true, fineTune: { freezeEpochs: 1 } },
    ]);
    expect(notes).toEqual(['fit 3 (failed)', 'fit 5: a fine-tune on 2 corrected pictures, which are not in the data folder', 'fit 6: its rate "auto" is not a number or a slice']);
  });
});
