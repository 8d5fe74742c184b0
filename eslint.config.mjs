// The lint that `npm test` runs (`npm run lint`): ESLint's recommended rules everywhere, and for
// TypeScript typescript-eslint's type-checked recommended rules, which see the types (a promise
// nobody awaits, a promise handed to a callback that ignores it, a switch that misses a case).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The plain-JavaScript scripts run on Node only: the globals are those of the Node running the lint
// (the project's Node 24), plus CommonJS's module scope. No `globals` dependency needed.
const nodeGlobals = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), 'require', 'module', 'exports', '__dirname', '__filename']
    .filter((name) => /^[A-Za-z_$][\w$]*$/.test(name))
    .map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores([
    'dist/',
    'out/',
    'tools/',
    'test-artifacts/',
    '.dormouse-dev/',
    // A user's sample project opened by the e2e tests and `npm start`: data, not our code.
    'test/e2e/fixtures/',
  ]),
  js.configs.recommended,
  {
    rules: {
      // A `let` read by a closure before its one assignment (a loop whose callbacks reach the
      // loop built after them) is a deliberate forward reference, not a missed const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default` does not make a switch over a union exhaustive: a member added later must be
      // handled by name, not swallowed by the default (how a new case gets missed).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      // An async function without await is kept on purpose: it implements a Promise-returning
      // interface, and `async` turns a synchronous throw into a rejection the caller handles.
      '@typescript-eslint/require-await': 'off',
      // Passing along what a catch or an AbortSignal gave us is not creating a non-Error; a
      // literal string or object rejected is still reported.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': [
        'error',
        {
          // Sentinels thrown and caught inside their own file to leave a deep call early; they
          // never reach a caller, so a stack would be a cost for nothing.
          allow: [
            { from: 'file', name: 'Skip', path: 'src/daemon/capture/capture-worker.ts' },
            { from: 'file', name: 'CorruptOpen', path: 'src/daemon/store/open-database.ts' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: nodeGlobals },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  {
    files: ['test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.stringContaining, …) are typed `any` by
      // design, so every expectation object that uses one would be reported.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Callbacks of page.evaluate / waitForFunction: they run in the browser page, not in Node.
    files: ['test/e2e/ui-bridge.mjs'],
    languageOptions: { globals: { document: 'readonly', getComputedStyle: 'readonly', window: 'readonly' } },
  },
);
