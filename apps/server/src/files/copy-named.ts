import Database from 'better-sqlite3';
import type { BlobStore } from './blob-store.js';
import { copyBlobs, type CopyCount } from './copy-blobs.js';
import { thumbnailKey } from './pictures.js';

/** Rows read per query: a page at a time, however many files the chat has. */
const PAGE = 1_000;

/**
 * Copies from one blob store to another the bytes of every file the SQLite database at `database` records, sent or
 * not, and the thumbnails it says were made: a backup's files after its database, or a chat's files on their way to
 * S3. Only blobs a row names are read, so an unfinished upload (`.partial`) is never copied.
 */
export async function copyFilesNamedIn(database: string, from: BlobStore, to: BlobStore): Promise<CopyCount> {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return await copyBlobs(blobKeysIn(db), from, to);
  } finally {
    db.close();
  }
}

/** The key of every blob the database names, file by file in id order: the file's own, then its thumbnail's. */
function* blobKeysIn(db: Database.Database): Generator<string> {
  const page = db.prepare('SELECT id, thumbnail FROM files WHERE id > ? ORDER BY id LIMIT ?').raw();
  for (let after = ''; ; ) {
    const rows = page.all(after, PAGE) as [string, number][];
    for (const [id, thumbnail] of rows) {
      yield id;
      if (thumbnail === 1) yield thumbnailKey(id);
    }
    if (rows.length < PAGE) return;
    after = rows.at(-1)![0];
  }
}
