import { useSyncExternalStore } from 'react';

const query = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The page's colour scheme, following the system setting live. */
export function useColourScheme(): 'light' | 'dark' {
  return useSyncExternalStore(
    (notify) => {
      const q = query();
      q.addEventListener('change', notify);
      return () => q.removeEventListener('change', notify);
    },
    () => (query().matches ? 'dark' : 'light'),
  );
}
