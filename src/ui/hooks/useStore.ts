import { useSyncExternalStore } from 'react';
import type { Store } from '../../state/store';

/** Reads a store in React; re-renders when it changes. A thin hook: all logic stays in the store. */
export function useStore<S, A>(store: Store<S, A>): S {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
