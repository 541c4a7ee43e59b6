import { defineConfig } from 'vitest/config';

// One file at a time: every file starts real servers, and the machine is shared. The modules are imported once for
// all the files, not again for each.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false, isolate: false },
});
