import { describe, expect, it } from 'vitest';
import { unfrozenBaseLr } from './trainActions';
import { formatLr } from './trainState';

const finder = (valley: number, auto: number) => ({
  lrs: [],
  losses: [],
  suggestions: { valley, slide: valley, steep: valley, minimum: valley },
  cancelled: false,
  auto: { lr: auto, name: 'minimum/10', reason: '' },
  running: false,
});

describe('fine_tune’s unfrozen rate from the page', () => {
  it('is the finder’s valley when the box holds auto’s larger rate', () => {
    expect(unfrozenBaseLr({ finder: finder(2e-3, 1e-1), lrInput: formatLr(1e-1) }, 1e-1)).toBe(2e-3);
  });

  it('is left to fastai (the box’s rate for both phases) when a person typed a rate, auto is below valley, or no finder ran', () => {
    expect(unfrozenBaseLr({ finder: finder(2e-3, 1e-1), lrInput: '3e-2' }, 3e-2)).toBeUndefined();
    expect(unfrozenBaseLr({ finder: finder(2e-3, 1e-3), lrInput: formatLr(1e-3) }, 1e-3)).toBeUndefined();
    expect(unfrozenBaseLr({ finder: null, lrInput: '1e-2' }, 1e-2)).toBeUndefined();
  });
});
