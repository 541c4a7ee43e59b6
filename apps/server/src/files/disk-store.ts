import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, ByteRange } from './blob-store.js';

/** Unfinished uploads, beside the blobs so that renaming one into place is atomic (same file system). */
const PARTIAL = '.partial';
/** A partial file untouched this long was left by a process that stopped: no upload that slow is still running. */
const ABANDONED_MS = 3_600_000;

/**
 * Blobs as files in one folder, named by their key. A blob is written under `.partial/` and renamed into place once
 * whole and flushed, so a reader never sees half a file and a crash leaves only a partial file, removed at a later
 * start once an hour old.
 */
export class DiskBlobStore implements BlobStore {
  private constructor(readonly where: string) {}

  static async open(dir: string): Promise<DiskBlobStore> {
    await mkdir(join(dir, PARTIAL), { recursive: true });
    // What uploads cut off by a crash left. Only old ones: another process sharing the folder may be writing the rest.
    for (const name of await readdir(join(dir, PARTIAL))) {
      const path = join(dir, PARTIAL, name);
      const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Date.now() }));
      if (mtimeMs < Date.now() - ABANDONED_MS) await rm(path, { force: true });
    }
    return new DiskBlobStore(dir);
  }

  /**
   * The blobs in a folder that must exist already, to read from without changing anything there: a backup of a
   * running server's folder, or the source of a move, where an upload cut off may not be ours to clean.
   */
  static async reading(dir: string): Promise<DiskBlobStore> {
    if (!(await stat(dir).then((found) => found.isDirectory(), () => false))) throw new Error(`No folder of files at ${dir}`);
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

  async sizeOf(key: string): Promise<number | undefined> {
    return stat(this.path(key)).then(({ size }) => size, () => undefined);
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
