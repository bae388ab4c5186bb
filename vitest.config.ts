import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/helpers/setup.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Two test files at a time even on a 2-core machine (where the default would run one): most of a file's
    // time is a simulation on one core, and the suite takes about 60% of the time it takes one at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // No test may depend on the machine's speed: vitest's default of 5 s per test is soon reached on a loaded
    // machine by a test that runs a simulation or starts node (and two files share the cores). Tests that start
    // processes or run sweeps set more.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
