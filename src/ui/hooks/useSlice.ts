import { useRef } from 'react';

/**
 * The fields `keys` of `state`, as the same object as `previous` when none of them changed, so a
 * memo'd cell given it skips the render. A training progress event changes the live loss and the
 * timing ten times a second; cells that do not show them must not redraw for it.
 * @example sliceOf({ a: 1, b: 2 }, ['a'], { a: 1 }) // the previous { a: 1 }, not a new one
 */
export function sliceOf<S, K extends keyof S>(state: S, keys: readonly K[], previous: Pick<S, K> | null): Pick<S, K> {
  if (previous && keys.every((k) => previous[k] === state[k])) return previous;
  return Object.fromEntries(keys.map((k) => [k, state[k]])) as Pick<S, K>;
}

/** `sliceOf` kept across renders: stable while the picked fields are. */
export function useSlice<S, K extends keyof S>(state: S, keys: readonly K[]): Pick<S, K> {
  const ref = useRef<Pick<S, K> | null>(null);
  ref.current = sliceOf(state, keys, ref.current);
  return ref.current;
}
