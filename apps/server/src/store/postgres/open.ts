import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export type Db = NodePgDatabase;

/** Where statements run: the pool (reads, and writes of one statement) or the writer's transaction. */
export interface Conn {
  /** For prepared statements, on the hot path. */
  client: pg.Pool | pg.PoolClient;
  /** The same connection through Drizzle's query builder, for the rest. */
  db: Db;
}

/** The pool, as reads use it. */
export interface Pool extends Conn {
  client: pg.Pool;
}

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
export async function openPostgres(url: string): Promise<{ reads: Pool; writes: pg.Pool }> {
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
  return { reads: { client: pool, db: drizzle({ client: pool }) }, writes };
}

function ignore(): void {}

/** A statement PostgreSQL prepares once per connection, then runs by its name. */
export interface Statement {
  name: string;
  text: string;
}

/** The rows of a prepared statement, each an array of its columns: cheaper to make than an object per row. */
export async function rows<R extends unknown[]>(on: Conn, statement: Statement, values: unknown[]): Promise<R[]> {
  return (await on.client.query<R>({ name: statement.name, text: statement.text, values, rowMode: 'array' })).rows;
}

/** Runs a prepared statement; how many rows it changed. */
export async function run(on: Conn, statement: Statement, values: unknown[]): Promise<number> {
  return (await on.client.query({ name: statement.name, text: statement.text, values })).rowCount ?? 0;
}
