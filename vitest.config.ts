import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The slow crash, restart and fault scenarios run with `npm run test:chaos` (CI runs both).
    exclude: process.env['VITEST_CHAOS'] ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/chaos/**'],
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    // Each end-to-end file runs its own ingress, workers and sandbox; two at a time suits a 2-core machine.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
