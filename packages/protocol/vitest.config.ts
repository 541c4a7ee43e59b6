import { defineConfig } from 'vitest/config';

// Property runs do a fixed amount of work: on a busy machine they take longer, and a ceiling is only for a hang.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
