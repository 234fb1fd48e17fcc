import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * tfjs's threaded wasm build starts each pthread worker from its factory's own source text
 * (`Function.toString`). That text reads `_scriptDir`, a variable of the wrapper it was cut
 * from, behind a `typeof` guard; the minifier rewrites the guard to a plain read (`e!==void 0`),
 * which throws in the pthread ("e is not defined"). The statement only sets a fallback script
 * folder, and tfjs locates its files itself, so it is removed and the factory's text stands alone.
 */
function standaloneWasmFactory(): Plugin {
  const guard = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
  return {
    name: 'standalone-tfjs-wasm-threaded-factory',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!code.includes(guard)) this.error(`tfjs-backend-wasm changed: "${guard}" is not in ${id}; check that its pthread workers still start once minified`);
      return code.replace(guard, '');
    },
  };
}

// Cross-origin isolation lets wasm use threads (SharedArrayBuffer); the studio loads nothing
// from other origins, so requiring CORP costs nothing.
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// React's automatic JSX runtime through Vite's own transform: no plugin needed for a build.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [standaloneWasmFactory()],
  worker: { format: 'es', plugins: () => [standaloneWasmFactory()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
  server: { port: 5173, headers: ISOLATED },
  preview: { port: 4173, headers: ISOLATED },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
