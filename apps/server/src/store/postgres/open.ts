import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** Keys of the advisory locks every process sharing the database takes: arbitrary, but the same everywhere. */
export const LOCKS = { migrate: 0x4865_6172_7401, changeLog: 0x4865_6172_7402 } as const;

const migrationsFolder = fileURLToPath(new URL('../../../drizzle-pg', import.meta.url));

/** bigint columns and counts as JS numbers: ids, seqs and seconds stay far below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Connects to the database at `url` and applies pending migrations (processes starting together take turns).
 * Returns the pool reads use and the one-connection pool the writer uses.
 */
export async function openPostgres(url: string): Promise<{ reads: pg.Pool; writes: pg.Pool }> {
  const migrating = new pg.Client({ connectionString: url });
  await migrating.connect();
  try {
    await migrating.query('SELECT pg_advisory_lock($1)', [LOCKS.migrate]);
    await migrate(drizzle({ client: migrating }), { migrationsFolder });
  } finally {
    // Ending the session releases the lock.
    await migrating.end();
  }
  const pool = new pg.Pool({ connectionString: url, types });
  const writes = new pg.Pool({ connectionString: url, types, max: 1 });
  // A connection that breaks while idle (the database restarted) is dropped and another opened when next needed;
  // without a listener the error would end the process.
  for (const p of [pool, writes]) p.on('error', ignore);
  return { reads: pool, writes };
}

function ignore(): void {}
