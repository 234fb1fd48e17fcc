import { describe, expect, it } from 'vitest';
import { ulmfitCode } from './ulmfitCode';

describe('ulmfitCode', () => {
  it('writes lesson 3`s stages as its fastai calls', () => {
    expect(ulmfitCode(2e-2, 2, 'lesson')).toEqual([
      'freeze() · fit_one_cycle(1, 2e-2)',
      'freeze_to(-2) · fit_one_cycle(1, slice(2.2e-4, 1e-2))',
      'freeze_to(-3) · fit_one_cycle(1, slice(1.1e-4, 5e-3))',
      'unfreeze() · fit_one_cycle(2, slice(2.2e-5, 1e-3))',
    ]);
  });

  it('writes the small-data stages with one rate each', () => {
    expect(ulmfitCode(2e-2, 9, 'small').slice(2)).toEqual(['freeze_to(-3) · fit_one_cycle(1, 5e-3)', 'unfreeze() · fit_one_cycle(9, 1e-2)']);
  });
});
