import type { Worker } from 'node:worker_threads';
import { sqliteThread } from './thread.js';

/**
 * Runs on the checkpointer's thread, on a connection that writes no rows: copies what the write-ahead log holds into
 * the database file when asked.
 */
const CHECKPOINTER_SCRIPT = `
parentPort.on('message', () => {
  try {
    // PASSIVE: copies what it can without waiting for the writer or any reader, so it never holds them up.
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({});
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/**
 * How long after a commit the log is copied, so that one copy covers the commits of that time: each copy syncs the
 * log and the file, which costs a quiet server more than the copying.
 */
const AFTER_COMMIT_MS = 1_000;

/**
 * Copies the write-ahead log into the database file on a thread of its own. Left to SQLite, the commit that fills
 * the log past a thousand pages does it, holding the event loop for several milliseconds while it writes and syncs
 * the file; here commits only append to the log. The writer's own copying stays as a backstop for a much longer log.
 */
export class SqliteCheckpointer {
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;
  private copying = false;
  /** Committed while a copy was under way: another is due once it ends. */
  private again = false;

  constructor(
    private readonly path: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** A transaction committed: its pages reach the file soon. */
  committed(): void {
    if (this.copying) this.again = true;
    else if (this.timer === undefined) this.timer = setTimeout(() => this.copy(), AFTER_COMMIT_MS).unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private copy(): void {
    this.timer = undefined;
    this.copying = true;
    this.started.postMessage(null);
  }

  /** The thread, started at the first copy. */
  private get started(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = (this.worker = sqliteThread(this.path, { fileMustExist: true }, CHECKPOINTER_SCRIPT));
    worker.on('message', ({ error }: { error?: string }) => {
      if (error !== undefined) this.onError(error);
      this.copying = false;
      if (this.again) {
        this.again = false;
        this.committed();
      }
    });
    worker.on('error', (error: Error) => this.onError(error.message));
    worker.on('exit', () => {
      this.worker = undefined;
      this.copying = false;
    });
    return worker;
  }
}
