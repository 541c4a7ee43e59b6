import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Files that test SQLite itself, or nothing of the store: run once, on SQLite. */
const SQLITE_ONLY = [
  'test/store/schema-matches-sql.test.ts', // schema.sql against SQLite's migrations
  'test/store/search-plan.test.ts', // SQLite's query plan for FTS5
  'test/store/search-merges.test.ts', // FTS5's segments
  'test/store/checkpointer.test.ts', // SQLite's write-ahead log
  'test/store/accounts-migration.test.ts', // upgrading an old SQLite file
  'test/backup.test.ts', // SQLite's online backup (a PostgreSQL database is backed up with pg_dump)
  'test/store/migrate-to-postgres.test.ts', // copies a SQLite database into a PostgreSQL one: uses both itself
  'test/files/migrate-to-s3.test.ts', // the same, with the files into S3
  'test/hardening/slow-consumer.test.ts', // socket buffers and memory, on a server of its own
  'test/ws/text-frame.test.ts', // no server
  'test/domain/batcher.test.ts', // no server
  'test/config.test.ts', // no server
  'test/start-refusals.test.ts', // servers that never open a database
  'test/bus/ordered-changes.test.ts', // no server
  'test/outbound/addresses.test.ts', // no server
  'test/outbound/names.test.ts', // no server
  'test/outbound/limiter.test.ts', // no server
  'test/push/failure-log.test.ts', // no server
  'test/files/links.test.ts', // no server
  'test/files/disk-store.test.ts', // no server
  'test/hardening/search-cost.test.ts', // the server's own CPU for SQLite's full-text index
];

/** Several server processes on one PostgreSQL database and one Redis, whatever the other projects run on. */
const CLUSTER = ['test/cluster/**/*.test.ts'];

export default defineConfig({
  test: {
    // Ceilings, not expectations: every test waits for conditions, and on a machine busy with other work a whole
    // test may take several times what it takes alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The PostgreSQL half spends much of its time waiting on the database server, so on two cores both halves
    // together take about as long in two workers as SQLite's alone did in one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker imports the server and its libraries once for all its files instead of once per file, which was half
    // the suite's time. Each file starts servers of its own; what modules keep between files (the metrics registry)
    // is read by its growth within a test.
    isolate: false,
    // The whole suite on each store: `npm test` runs both, `npm run test:postgres` the second alone, each test
    // server on a PostgreSQL database of its own (test/support/database.ts).
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/store/postgres-*.test.ts', ...CLUSTER] } },
      {
        extends: true,
        test: { name: 'postgres', include: ['test/**/*.test.ts'], exclude: [...SQLITE_ONLY, ...CLUSTER], env: { HEARTH_TEST_DATABASE: 'postgres' } },
      },
      { extends: true, test: { name: 'cluster', include: CLUSTER } },
    ],
  },
});
