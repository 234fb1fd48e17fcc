import { describe, expect, it } from 'vitest';
import { sliceOf } from './useSlice';

describe('sliceOf', () => {
  it('keeps the previous slice while its fields are the same objects, and makes a new one when one changes', () => {
    const learner = { arch: 'smallCnn' };
    const state = { learner, busy: null as string | null, progress: { batch: 1 } };
    const first = sliceOf(state, ['learner', 'busy'], null);
    expect(first).toEqual({ learner, busy: null });
    // A progress event: a new state object with a new `progress`, the picked fields untouched.
    const afterProgress = sliceOf({ ...state, progress: { batch: 2 } }, ['learner', 'busy'], first);
    expect(afterProgress).toBe(first);
    const afterBusy = sliceOf({ ...state, busy: 'fit' }, ['learner', 'busy'], first);
    expect(afterBusy).not.toBe(first);
    expect(afterBusy).toEqual({ learner, busy: 'fit' });
  });
});
