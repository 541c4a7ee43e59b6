import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { LOCKS, type Conn } from './open.js';

/** The writer's connection inside one transaction. */
export interface Tx extends Conn {
  client: pg.PoolClient;
  /** The newest seq of each stream this transaction has appended to (see ChangeLog.append). */
  tips: Map<string, number>;
}

/**
 * Runs every transaction that appends to the change log (and the few other multi-statement writes), one at a time,
 * on one connection.
 *
 * Why: the publisher sends changes out in seq order, and a client takes a change numbered below one it has heard
 * for one it has already seen. A Postgres sequence numbers a row when it is inserted, not when it commits, so two
 * transactions side by side could commit seq 12 before seq 11, and 12 go out while 11 is still unseen. One
 * connection and a queue make commit order seq order in this process, as SQLite's single writer does. Each
 * transaction also takes an advisory lock before it appends, so that processes sharing the database append one
 * at a time and the same holds between them.
 *
 * A caller publishes what a transaction returns as soon as its promise resolves: the next transaction cannot
 * commit before a round trip to the database, so a caller that does no I/O in between publishes first.
 */
export class Writer {
  private tail: Promise<unknown> = Promise.resolve();

  /** `pool` holds the one connection (max: 1), so a broken one is replaced by the next transaction. */
  constructor(private readonly pool: pg.Pool) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const done = this.tail.then(() => this.run(work));
    this.tail = done.catch(ignore);
    return done;
  }

  /** Waits for the transactions queued, then closes the connection. */
  async close(): Promise<void> {
    await this.tail;
    await this.pool.end();
  }

  private async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCKS.changeLog})`);
      const result = await work({ client, db: drizzle({ client }), tips: new Map() });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((failed: Error) => (broken = failed));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

function ignore(): void {}
