/**
 * A `.py` file imported as text (`import trainPy from './python/train.py?raw'`): Vite and Vitest
 * resolve `?raw`. Declared here rather than taken from `vite/client`, so that core type-checks
 * without the bundler's (and the DOM's) types (`tsconfig.core.json`).
 */
declare module '*.py?raw' {
  const source: string;
  export default source;
}
