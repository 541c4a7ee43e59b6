import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface BackupReport {
  /** What `PRAGMA integrity_check` says of the copy: `ok` when it is sound. */
  integrity: string;
  messages: number;
  users: number;
}

/**
 * Copies a live database to `out` with SQLite's online backup, while the server goes on writing: all pages in one
 * step, under one read transaction, so the copy is the database as it was at one moment (every message acknowledged
 * before the backup began is in it). Then checks the copy.
 */
export async function backupDatabase(source: string, out: string): Promise<BackupReport> {
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  if (existsSync(out)) throw new Error(`${out} exists already; choose a new file`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // A step of every page: a backup taken in small steps starts over whenever the server writes in between.
    await db.backup(out, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  const copy = new Database(out, { readonly: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true }) as string;
    const count = (table: string) => (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { integrity, messages: count('messages'), users: count('users') };
  } finally {
    copy.close();
  }
}
