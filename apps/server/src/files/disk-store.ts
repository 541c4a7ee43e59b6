import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, ByteRange } from './blob-store.js';

/** Unfinished uploads, beside the blobs so that renaming one into place is atomic (same file system). */
const PARTIAL = '.partial';

/**
 * Blobs as files in one folder, named by their key. A blob is written under `.partial/` and renamed into place once
 * whole and flushed, so a reader never sees half a file and a crash leaves only a partial file, removed at start.
 */
export class DiskBlobStore implements BlobStore {
  private constructor(readonly where: string) {}

  static async open(dir: string): Promise<DiskBlobStore> {
    // What an upload cut off by a crash left; no upload is running yet.
    await rm(join(dir, PARTIAL), { recursive: true, force: true });
    await mkdir(join(dir, PARTIAL), { recursive: true });
    return new DiskBlobStore(dir);
  }

  async put(key: string, body: Readable): Promise<void> {
    const partial = join(this.where, PARTIAL, `${key}.${randomBytes(6).toString('hex')}`);
    try {
      // flush: fsync before close, so a blob renamed into place survives a power cut as its row does.
      await pipeline(body, createWriteStream(partial, { flags: 'wx', flush: true }));
      await rename(partial, this.path(key));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const path = this.path(key);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path, range);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async close(): Promise<void> {}

  /** Keys are made by the server (base64url), never by a client, so they cannot climb out of the folder. */
  private path(key: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`Not a blob key: ${key}`);
    return join(this.where, key);
  }
}
