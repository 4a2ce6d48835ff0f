import { defineConfig } from 'vitest/config';

/**
 * One suite for everything. Database suites run on PGlite, and on PostgreSQL too when
 * TEST_DATABASE_URL is set; each test file gets its own fresh database, so files run in parallel.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
