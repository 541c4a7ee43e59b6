import type { BlobStore } from './blob-store.js';

/** Blobs copied at once: enough to hide an S3 round trip, few enough to keep a handful of streams open. */
const AT_ONCE = 4;

export interface CopyCount {
  /** Blobs written to the destination. */
  copied: number;
  /** Blobs the destination held already, as large as the source's. */
  present: number;
  /** Keys the source had no blob for (removed since the list was read: a message deleted meanwhile). */
  missing: string[];
}

/**
 * Copies the blobs under `keys` from one store to another, streamed, so a copy cut off by a crash is finished by
 * running it again: a blob the destination holds at the source's size is not copied again. A blob is only ever
 * whole in either store, and only a picture's bytes are ever replaced, once, when it is prepared (upright, its
 * metadata gone), which all but always changes their size: so a blob of the same size is the one copied before.
 */
export async function copyBlobs(keys: Iterable<string>, from: BlobStore, to: BlobStore): Promise<CopyCount> {
  const count: CopyCount = { copied: 0, present: 0, missing: [] };
  const copy = async (key: string): Promise<void> => {
    const size = await from.sizeOf(key);
    if (size !== undefined && size === (await to.sizeOf(key))) return void count.present++;
    // Read after it was sized: a blob removed in between is missing, as one never there.
    const body = size === undefined ? undefined : await from.get(key);
    if (body === undefined) return void count.missing.push(key);
    await to.put(key, body);
    count.copied++;
  };
  const next = keys[Symbol.iterator]();
  // One copy failing stops the others taking more, so the command reports it and ends, to be run again.
  let failed = false;
  const copyEach = async (): Promise<void> => {
    for (let step = next.next(); !failed && step.done !== true; step = next.next()) {
      await copy(step.value).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, copyEach));
  return count;
}
