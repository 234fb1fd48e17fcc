// Lint for the studio: typescript-eslint's recommended rules, React's hook rules, and the layers
// of DESIGN.md as import boundaries (ui -> state -> workers/client -> core; io from state or
// workers, never from core; no tfjs in ui or state other than the page's preview code).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns that keep a layer from importing the ones above it. */
const aboveLayers = (layers) => layers.map((l) => ({ group: [`**/${l}/*`, `../${l}`, `./${l}`], message: `This layer does not import ${l} (see DESIGN.md: imports go one way).` }));
const above = (...layers) => ({ 'no-restricted-imports': ['error', { patterns: aboveLayers(layers) }] });
/** The page runs no tfjs: the training worker owns the data and the model and sends plain arrays. */
const NO_TFJS = { group: ['@tensorflow/*'], message: 'The page runs no tfjs: ask the training worker (workers/client) for plain arrays (see ARCHITECTURE.md, who owns what).' };
const aboveNoTfjs = (...layers) => ({ 'no-restricted-imports': ['error', { patterns: [...aboveLayers(layers), NO_TFJS] }] });

export default tseslint.config(
  // Built or fetched code: the GPU bench's bundle and dawn.node's package are not ours.
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'test-results/**', 'e2e/artifacts/**', 'bench/.cache/**', 'bench/gpu/.local/**', '.gpu/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // `_name` marks an argument or binding kept on purpose (a destructured field left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  { files: ['src/core/**/*.ts'], ignores: ['**/*.test.ts', '**/testing/**'], rules: above('io', 'workers', 'state', 'ui') },
  { files: ['src/io/**/*.ts'], ignores: ['**/*.test.ts', '**/testing/**'], rules: above('workers', 'state', 'ui') },
  { files: ['src/workers/**/*.ts'], ignores: ['**/*.test.ts', '**/testing/**'], rules: above('state', 'ui') },
  { files: ['src/state/**/*.ts'], ignores: ['**/*.test.ts', '**/testing/**'], rules: aboveNoTfjs('ui') },
  { files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'], ignores: ['**/*.test.ts', '**/testing/**'], rules: aboveNoTfjs() },
  // The command line and the benches train in Node on core and io, as the worker does, never through it.
  { files: ['scripts/**/*.ts', 'bench/**/*.ts'], ignores: ['**/*.test.ts', '**/testing/**'], rules: above('state', 'workers', 'ui') },
);
