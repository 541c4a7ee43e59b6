import { defineConfig } from 'vitest/config';

// Browser tests share two cores with everything else: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    // Playwright and the test server's modules are imported once for all the files, not again for each.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A page's state is polled for as long as a locator waits (15 s), not vitest's 1 s: on a busy machine a dialog
    // may take longer than that to open.
    expect: { poll: { timeout: 15_000 } },
  },
});
