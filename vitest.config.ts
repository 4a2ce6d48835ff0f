import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Node 25 and later expose Web Storage as a global `localStorage`, which, without
 * `--localstorage-file`, hides jsdom's `window.localStorage` from the console's tests. The flag
 * exists from Node 22 (Node 20 would refuse it).
 */
const nodeMajor = Number(process.versions.node.split('.')[0]);
const workerExecArgv = nodeMajor >= 22 ? ['--no-experimental-webstorage'] : [];

/**
 * One suite for everything. Database suites run on PGlite, and on PostgreSQL too when
 * TEST_DATABASE_URL is set; each test file gets its own fresh database, so files run in parallel.
 */
export default defineConfig({
  resolve: {
    // graphql ships both index.mjs and index.js. Vite would resolve our imports to the .mjs build
    // while @apollo/server, loaded by Node, gets the .js one: two copies of graphql's classes, and
    // "Cannot use GraphQLObjectType from another module or realm". One entry for everybody.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    execArgv: workerExecArgv,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
