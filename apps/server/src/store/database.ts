import type { DialectSql } from './dialect.js';
import type { Statement } from './statement.js';

/** Where statements run: the database, or one transaction on it. Rows come as arrays of their columns, in order. */
export interface Queries {
  /** The rows a statement returns. An array value is bound as a list (`json_each` or `ANY` in the dialect's SQL). */
  rows<R extends unknown[]>(statement: Statement, values?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement; how many rows it changed. */
  run(statement: Statement, values?: readonly unknown[]): Promise<number>;
}

/** One write transaction. */
export interface Tx extends Queries {
  /**
   * The newest seq of each change-log stream as this transaction has it. Where this process is the database's only
   * writer the map outlives the transaction (forgotten when one rolls back), so a stream's tip is read once.
   */
  readonly tips: Map<string, number>;
  /** The newest seq appended in this transaction, 0 for none. */
  appended: number;
  /** Runs `work` so that a failed statement inside it undoes only what `work` did, and rethrows. */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * A database, whatever its dialect: every transaction script in the store runs against this, and a dialect supplies
 * its connection and its own SQL where SQL differs (`sql`), never a decision of its own.
 */
export interface Database extends Queries {
  readonly dialect: 'sqlite' | 'postgres';
  /** The statements whose SQL differs between dialects. */
  readonly sql: DialectSql;
  /**
   * Runs a transaction that writes. Transactions run one at a time in this process, and each holds the change log's
   * lock across processes, so seq order is commit order: a change published after its commit is never overtaken.
   */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The rows of a read whose cost the server cannot bound (a full-text search), read where it holds up nothing
   * else: SQLite reads them on a thread of its own; PostgreSQL's own processes do that work anyway.
   */
  slowRows<R extends unknown[]>(statement: Statement, values?: readonly unknown[]): Promise<R[]>;
  /**
   * Runs a transaction that appends no change and needs no order among the log's writers (a consumer's work with its
   * cursor): where the dialect can, beside them rather than in their queue.
   */
  aside<T>(work: (queries: Queries) => Promise<T>): Promise<T>;
  /** Whether an error is a row's fault (a constraint refused it) rather than the database's. */
  isConstraintError(error: unknown): boolean;
  /** After a deletion committed: erases the deleted content from the files where the dialect can (see each). */
  erase(): Promise<void>;
  close(): Promise<void>;
}

/** Runs jobs one after another, each once the one before it has settled. */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const done = this.tail.then(job);
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** Resolves once every job queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/** Whether a driver's error carries a code that starts so (its class of errors). */
export function hasCode(error: unknown, prefix: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith(prefix);
}
