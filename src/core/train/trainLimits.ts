import type { NumberLimit } from '../data/specChecks';

/** The ranges of the training cells' numbers; their inputs take min and max from here. */
export const TRAIN_LIMITS = {
  epochs: { label: 'Epochs', min: 1, max: 1000, int: true },
  finderIters: { label: 'LR finder iterations', min: 10, max: 1000, int: true },
  wd: { label: 'Weight decay', min: 0, max: 1, int: false },
  thresh: { label: 'Threshold', min: 0.01, max: 0.99, int: false },
  beta: { label: 'F-beta β', min: 0.1, max: 10, int: false },
  minSide: { label: 'Scale small pictures up to (px)', min: 0, max: 1024, int: true },
  pctStart: { label: 'pct_start', min: 0.01, max: 0.99, int: false },
  div: { label: 'div', min: 1, max: 1e4, int: false },
  divFinal: { label: 'div_final', min: 1, max: 1e9, int: false },
  mom: { label: 'Momentum', min: 0, max: 0.999, int: false },
} as const satisfies Record<string, NumberLimit>;
