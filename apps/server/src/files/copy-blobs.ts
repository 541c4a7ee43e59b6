import type { BlobStore } from './blob-store.js';

/** Blobs copied at once: enough to hide an S3 round trip, few enough to keep a handful of streams open. */
const AT_ONCE = 4;

export interface CopyCount {
  /** Blobs written to the destination. */
  copied: number;
  /** Blobs the destination held already: a blob never changes under its key, so one there is the same bytes. */
  present: number;
  /** Keys the source had no blob for (removed since the list was read: a message deleted meanwhile). */
  missing: string[];
}

/**
 * Copies the blobs under `keys` from one store to another, streamed, skipping those the destination holds already,
 * so a copy cut off by a crash is finished by running it again.
 */
export async function copyBlobs(keys: Iterable<string>, from: BlobStore, to: BlobStore): Promise<CopyCount> {
  const count: CopyCount = { copied: 0, present: 0, missing: [] };
  const next = keys[Symbol.iterator]();
  const copyNext = async (): Promise<void> => {
    for (let step = next.next(); step.done !== true; step = next.next()) {
      const key = step.value;
      if (await to.has(key)) {
        count.present++;
        continue;
      }
      const body = await from.get(key);
      if (body === undefined) {
        count.missing.push(key);
        continue;
      }
      await to.put(key, body);
      count.copied++;
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, copyNext));
  return count;
}
