/**
 * A minimal framework-free store: state changes only through a reducer over typed actions,
 * and anyone (React through useSyncExternalStore, tests, the worker client) can subscribe.
 */
export interface Store<S, A> {
  getState(): S;
  dispatch(action: A): void;
  subscribe(listener: () => void): () => void;
}

/**
 * Makes a store from a pure reducer.
 * @example const store = createStore(reducer, initial); store.dispatch({ type: 'reset' });
 */
export function createStore<S, A>(reducer: (state: S, action: A) => S, initial: S): Store<S, A> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      listeners.forEach((l) => l());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
