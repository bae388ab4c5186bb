import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/helpers/setup.ts'],
    // No test may depend on the machine's speed: vitest's default of 5 s per test is soon reached on a loaded
    // machine by a test that runs a simulation or starts node. Tests that start processes or run sweeps set more.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
