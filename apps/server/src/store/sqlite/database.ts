import type BetterSqlite from 'better-sqlite3';
import { hasCode, OneAtATime, type Database, type Queries, type Tx } from '../database.js';
import type { Statement } from '../statement.js';
import type { Logger } from '../../log.js';
import { SqliteCheckpointer } from './checkpointer.js';
import { openDatabase } from './open.js';
import { SqliteReader } from './reader.js';
import { SQLITE_SQL } from './sql.js';

/** Pages in the write-ahead log past which a commit copies it into the file itself, should the checkpointer lag. */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;

interface Prepared {
  statement: BetterSqlite.Statement<unknown[], unknown[]>;
  /** `$1`, `$2`… each once and in order became `?`: values bind by position, else by number. */
  positional: boolean;
  /** The SQL as prepared, `?` for `$n` where positional. */
  text: string;
  /** It returns rows (a SELECT, or a write with RETURNING). */
  reader: boolean;
}

/**
 * One SQLite file through better-sqlite3. Its calls run synchronously and return settled promises, so a transaction
 * script's awaits all settle within the turn that began it. Writes are queued one transaction at a time, and a
 * statement that writes outside a transaction waits its turn too, so it never lands inside another's.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite';
  readonly sql = SQLITE_SQL;
  private readonly prepared = new Map<Statement, Prepared>();
  private readonly writes = new OneAtATime();
  /** Only this process writes the change log (operator commands that would, refuse while a server runs). */
  private readonly tips = new Map<string, number>();
  private readonly control;

  constructor(
    private readonly db: BetterSqlite.Database,
    private readonly synchronous: 'NORMAL' | 'FULL' = 'FULL',
    /** A second connection on a thread of its own; none for a database in memory, which only this connection sees. */
    private readonly reader?: SqliteReader,
    /** Copies the write-ahead log into the file on a thread of its own; none for a database in memory. */
    private readonly checkpointer?: SqliteCheckpointer,
  ) {
    this.control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      unsynced: db.prepare('PRAGMA synchronous = NORMAL'),
      synced: db.prepare(`PRAGMA synchronous = ${synchronous}`),
    };
  }

  static open(path: string, synchronous: 'NORMAL' | 'FULL' = 'FULL', log?: Pick<Logger, 'warn'>): SqliteDatabase {
    const db = openDatabase(path, synchronous).$client;
    if (path === ':memory:') return new SqliteDatabase(db, synchronous);
    // The checkpointer copies the log; a commit does only when the log has grown this long (40 MB) regardless.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    // Once copied whole, the log starts again from its beginning: its file is cut back to this.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    const checkpointer = new SqliteCheckpointer(path, (error) => log?.warn({ error }, 'could not copy the write-ahead log into the database file'));
    return new SqliteDatabase(db, synchronous, new SqliteReader(path), checkpointer);
  }

  async slowRows<R extends unknown[]>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    if (this.reader === undefined) return this.rowsNow<R>(statement, values);
    const { positional, text } = this.prepare(statement);
    return this.reader.rows<R>(text, bind(values, positional));
  }

  async rows<R extends unknown[]>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    const prepared = this.prepare(statement);
    if (!prepared.statement.readonly && this.db.inTransaction) return this.write((tx) => tx.rows<R>(statement, values));
    return this.rowsNow<R>(statement, values);
  }

  async run(statement: Statement, values: readonly unknown[] = []): Promise<number> {
    return this.db.inTransaction ? this.write((tx) => tx.run(statement, values)) : this.runNow(statement, values);
  }

  write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.writes.run(() => this.transaction(work));
  }

  /**
   * One file has one writer: in the queue with the rest. Committed without waiting for the disk: the next commit
   * that waits (a send's) makes it durable too, as the write-ahead log is written in order. Until then a crash
   * loses it whole, which a consumer's work with its cursor can afford: it is done again.
   */
  aside<T>(work: (queries: Queries) => Promise<T>): Promise<T> {
    if (this.synchronous === 'NORMAL') return this.write(work);
    return this.writes.run(async () => {
      this.control.unsynced.run();
      try {
        return await this.transaction(work);
      } finally {
        this.control.synced.run();
      }
    });
  }

  isConstraintError(error: unknown): boolean {
    return hasCode(error, 'SQLITE_CONSTRAINT');
  }

  /** secure_delete zeroed the old content in the database pages; the write-ahead log still holds copies of them. */
  async erase(): Promise<void> {
    await this.write(async () => undefined);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    await this.writes.idle();
    await this.checkpointer?.close();
    await this.reader?.close();
    this.db.close();
  }

  rowsNow<R extends unknown[]>(statement: Statement, values: readonly unknown[]): R[] {
    const { statement: prepared, positional } = this.prepare(statement);
    if (statement.bulk) return eachRow(values, (row) => prepared.all(...bind(row, positional))) as R[];
    return prepared.all(...bind(values, positional)) as R[];
  }

  runNow(statement: Statement, values: readonly unknown[]): number {
    const { statement: prepared, positional, reader } = this.prepare(statement);
    const one = (row: readonly unknown[]) => (reader ? prepared.all(...bind(row, positional)).length : prepared.run(...bind(row, positional)).changes);
    if (statement.bulk) return eachRow(values, (row) => [one(row)]).reduce((sum, n) => sum + n, 0);
    return one(values);
  }

  private async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    this.control.begin.run();
    try {
      const result = await work(new SqliteTx(this, this.db, this.tips));
      this.control.commit.run();
      this.checkpointer?.committed();
      return result;
    } catch (error) {
      // A trigger's RAISE(ROLLBACK) has ended the transaction already.
      if (this.db.inTransaction) this.control.rollback.run();
      this.tips.clear();
      throw error;
    }
  }

  private prepare(statement: Statement): Prepared {
    let prepared = this.prepared.get(statement);
    if (prepared === undefined) {
      const numbers = [...statement.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
      const positional = numbers.every((n, i) => n === i + 1);
      const text = positional ? statement.text.replace(/\$\d+/g, '?') : statement.text;
      const compiled = this.db.prepare<unknown[], unknown[]>(text);
      const reader = compiled.reader;
      prepared = { statement: reader ? compiled.raw(true) : compiled, positional, text, reader };
      this.prepared.set(statement, prepared);
    }
    return prepared;
  }
}

class SqliteTx implements Tx {
  appended = 0;
  private savepoints = 0;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly db: BetterSqlite.Database,
    readonly tips: Map<string, number>,
  ) {}

  async rows<R extends unknown[]>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    this.ongoing();
    return this.database.rowsNow<R>(statement, values);
  }

  async run(statement: Statement, values: readonly unknown[] = []): Promise<number> {
    this.ongoing();
    return this.database.runNow(statement, values);
  }

  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const name = `s${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      // A trigger's RAISE(ROLLBACK) ended the whole transaction: not one row's refusal, and nothing may follow.
      else throw new Error('The transaction was rolled back', { cause: error });
      throw error;
    }
  }

  /** What follows a statement that ended the transaction would run on its own, outside it: refused instead. */
  private ongoing(): void {
    if (!this.db.inTransaction) throw new Error('The transaction was rolled back');
  }
}

/** better-sqlite3 binds numbers, strings and null: a list goes as JSON (read with json_each), a boolean as 0 or 1. */
function bind(values: readonly unknown[], positional: boolean): unknown[] {
  const bound = values.map((value) => (Array.isArray(value) ? JSON.stringify(value) : typeof value === 'boolean' ? Number(value) : (value ?? null)));
  return positional ? bound : [Object.fromEntries(bound.map((value, i) => [i + 1, value]))];
}

/** A bulk statement's values are columns: runs `one` with each row's values and gathers what it returns. */
function eachRow<T>(columns: readonly unknown[], one: (row: unknown[]) => T[]): T[] {
  const count = (columns[0] as unknown[] | undefined)?.length ?? 0;
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(...one(columns.map((column) => (column as unknown[])[i])));
  return out;
}
