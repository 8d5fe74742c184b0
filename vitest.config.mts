import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Sources run under vitest as in the dev build: with the test surface (src/types/test-surface.d.ts).
  define: { DORMOUSE_TEST_SURFACE: 'true' },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests start real daemon processes; forks isolate native handles.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
