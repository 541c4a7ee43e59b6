import Database from 'better-sqlite3';
import { fileIdsIn } from '../store/sqlite/file-ids.js';
import type { BlobStore } from './blob-store.js';
import { copyBlobs, type CopyCount } from './copy-blobs.js';

/**
 * Copies from one blob store to another the bytes of every file the SQLite database at `database` records, sent or
 * not: a backup's files after its database, or a chat's files on their way to S3. Only blobs a row names are read,
 * so an unfinished upload (`.partial`) is never copied.
 */
export async function copyFilesNamedIn(database: string, from: BlobStore, to: BlobStore): Promise<CopyCount> {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return await copyBlobs(fileIdsIn(db), from, to);
  } finally {
    db.close();
  }
}
