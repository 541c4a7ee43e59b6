import { defineConfig } from 'vitest/config';

// Browser tests share two cores with everything else: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
