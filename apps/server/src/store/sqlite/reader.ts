import type { Worker } from 'node:worker_threads';
import { sqliteThread } from './thread.js';

/** Runs on the reader's thread, on a read-only connection: answers each statement with its rows as arrays. */
const READER_SCRIPT = `
db.pragma('busy_timeout = 5000');
const prepared = new Map();
parentPort.on('message', ({ id, text, values }) => {
  try {
    let statement = prepared.get(text);
    if (statement === undefined) prepared.set(text, (statement = db.prepare(text).raw(true)));
    parentPort.postMessage({ id, rows: statement.all(...values) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Reply {
  id: number;
  rows?: unknown[][];
  error?: string;
}

/**
 * A second connection to the database file, on a thread of its own, for reads whose cost the server cannot bound
 * (a full-text search over a long history): the event loop goes on serving everyone meanwhile. In WAL mode a
 * reader sees what has been committed and never waits for the writer.
 */
export class SqliteReader {
  private started: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (rows: unknown[][]) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor(private readonly path: string) {}

  /** The thread, started on the first read: a server nobody searches on has none. */
  private get worker(): Worker {
    if (this.started !== undefined) return this.started;
    const worker = (this.started = sqliteThread(this.path, { readonly: true, fileMustExist: true }, READER_SCRIPT));
    worker.on('message', ({ id, rows, error }: Reply) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error === undefined) waiting?.resolve(rows!);
      else waiting?.reject(new Error(error));
    });
    worker.on('error', (error: Error) => this.failAll(error));
    worker.on('exit', () => {
      this.started = undefined;
      this.failAll(new Error('the database reader stopped'));
    });
    return worker;
  }

  /** The rows of a statement in SQLite's own syntax, with values already bound as better-sqlite3 takes them. */
  rows<R extends unknown[]>(text: string, values: unknown[]): Promise<R[]> {
    const id = this.next++;
    return new Promise<R[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: unknown[][]) => void, reject });
      // Waiting for an answer keeps the process alive; an idle reader does not.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, text, values });
    }).finally(() => {
      if (this.pending.size === 0) this.started?.unref();
    });
  }

  async close(): Promise<void> {
    await this.started?.terminate();
  }

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
