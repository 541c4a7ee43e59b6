import type pg from 'pg';
import { hasCode, OneAtATime, type Database, type Queries, type Tx } from '../database.js';
import type { Statement } from '../statement.js';
import { LOCKS, openPostgres } from './open.js';
import { POSTGRES_SQL } from './sql.js';

/**
 * PostgreSQL through node-postgres. Reads, and writes of one statement, go to a pool; every transaction runs on one
 * connection of its own, one at a time.
 *
 * Why one at a time: the publisher sends changes out in seq order, and a client takes a change numbered below one it
 * has heard for one it has already seen. A sequence numbers a row when it is inserted, not when it commits, so two
 * transactions side by side could commit seq 12 before seq 11, and 12 go out while 11 is still unseen. One connection
 * and a queue make commit order seq order in this process, as SQLite's single writer does; each transaction also
 * takes an advisory lock first, so that processes sharing the database append one at a time and the same holds
 * between them. A caller publishes what a transaction returns as soon as it resolves: the next transaction cannot
 * commit before a round trip to the database, so a caller that does no I/O in between publishes first.
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres';
  readonly sql = POSTGRES_SQL;
  private readonly queue = new OneAtATime();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly reads: pg.Pool,
    /** Holds the one connection (max: 1), so a broken one is replaced by the next transaction. */
    private readonly writes: pg.Pool,
  ) {}

  /** Connects to the database at `url` (postgres://…) and brings its schema up to date. */
  static async open(url: string): Promise<PostgresDatabase> {
    const { reads, writes } = await openPostgres(url);
    return new PostgresDatabase(reads, writes);
  }

  rows<R extends unknown[]>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    return rowsOn<R>(this.reads, statement, values);
  }

  run(statement: Statement, values: readonly unknown[] = []): Promise<number> {
    return runOn(this.reads, statement, values);
  }

  slowRows<R extends unknown[]>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    return this.rows<R>(statement, values);
  }

  write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.queue.run(() => this.transaction(work));
  }

  /** On a connection of the pool, without the change log's lock: the sends' queue does not wait for it. */
  aside<T>(work: (queries: Queries) => Promise<T>): Promise<T> {
    return inTransaction(this.reads, 'BEGIN', (client) => work(new PostgresTx(client)));
  }

  /** SQLSTATE class 23, integrity constraint violation (foreign key, unique, check, not null): the row is at fault. */
  isConstraintError(error: unknown): boolean {
    return hasCode(error, '23');
  }

  /**
   * A deletion's content is gone from every row a query reads. PostgreSQL keeps the old row version in the table's
   * files until VACUUM reuses its space, and in its write-ahead log and any backup: unlike SQLite, it cannot be
   * erased from the files at once.
   */
  async erase(): Promise<void> {}

  /** Once the queued transactions are done; closing again does nothing more. */
  close(): Promise<void> {
    this.closed ??= this.queue.idle().then(() => Promise.all([this.writes.end(), this.reads.end()])).then(ignore);
    return this.closed;
  }

  private transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.writes, `BEGIN; SELECT pg_advisory_xact_lock(${LOCKS.changeLog})`, (client) => work(new PostgresTx(client)));
  }
}

class PostgresTx implements Tx {
  /** Read from the log once per transaction: another process may have appended since the last. */
  readonly tips = new Map<string, number>();
  appended = 0;
  private savepoints = 0;

  constructor(private readonly client: pg.PoolClient) {}

  rows<R extends unknown[]>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    return rowsOn<R>(this.client, statement, values);
  }

  run(statement: Statement, values: readonly unknown[] = []): Promise<number> {
    return runOn(this.client, statement, values);
  }

  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const name = `s${++this.savepoints}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }
}

/** Runs `work` in a transaction on a connection of `pool`, opened by `begin`; a connection that could not roll back is dropped. */
async function inTransaction<T>(pool: pg.Pool, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((failed: Error) => (broken = failed));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A statement PostgreSQL prepares once per connection, then runs by its name; rows as arrays of their columns. */
async function rowsOn<R extends unknown[]>(on: pg.Pool | pg.PoolClient, statement: Statement, values: readonly unknown[]): Promise<R[]> {
  return (await on.query<R>({ name: statement.name, text: statement.text, values: values as unknown[], rowMode: 'array' })).rows;
}

async function runOn(on: pg.Pool | pg.PoolClient, statement: Statement, values: readonly unknown[]): Promise<number> {
  return (await on.query({ name: statement.name, text: statement.text, values: values as unknown[] })).rowCount ?? 0;
}

function ignore(): void {}
