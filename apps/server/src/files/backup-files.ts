import Database from 'better-sqlite3';
import { fileIdsIn } from '../store/sqlite/file-ids.js';
import { copyBlobs, type CopyCount } from './copy-blobs.js';
import { DiskBlobStore } from './disk-store.js';

/**
 * Copies into the folder `out` the bytes of every file the database copy at `database` records, from the server's
 * folder `from`. The database is copied first: a blob never changes under its id, so the blobs read after it are
 * those it names, and uploads begun since are left out with their rows. Unfinished uploads (`.partial`) are never
 * copied.
 */
export async function backupFiles(database: string, from: string, out: string): Promise<CopyCount> {
  const source = await DiskBlobStore.reading(from);
  const target = await DiskBlobStore.open(out);
  const db = new Database(database, { readonly: true });
  try {
    return await copyBlobs(fileIdsIn(db), source, target);
  } finally {
    db.close();
  }
}
