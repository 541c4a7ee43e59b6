import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs on the checkpointer's thread: a connection that writes no rows, only copies what the write-ahead log holds
 * into the database file when asked. Plain JavaScript evaluated as the worker's script, so that it needs no build.
 */
const CHECKPOINTER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
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

/** How long after a commit the log is copied, so that one copy covers the commits of that time. */
const AFTER_COMMIT_MS = 100;

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
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = (this.worker = new Worker(CHECKPOINTER_SCRIPT, { eval: true, workerData: { path: this.path, driver } }));
    worker.unref();
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
