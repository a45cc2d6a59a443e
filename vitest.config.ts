import { defineConfig } from 'vitest/config';

// Native addons (better-sqlite3, node-datachannel) are safest in forked workers.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
