import { Readable } from 'node:stream';
import { stamped, type Change } from '../domain/changes.js';
import { nowSeconds } from '../domain/tokens.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { PreparedFile } from '../store/types.js';
import type { BlobStore } from './blob-store.js';
import { preparePicture } from './picture.js';

/** Pictures looked up per round. */
const ROUND = 20;
/** What bytes that are no picture after all are served as: a download. */
const NOT_A_PICTURE = 'application/octet-stream';

/** Where a picture's thumbnail is kept: beside it, under a key no file id can be (ids are 22 characters). */
export function thumbnailKey(id: string): string {
  return `${id}-thumbnail`;
}

/**
 * Prepares sent pictures, one at a time, off the send path: their bytes are replaced by the same picture upright and
 * without metadata, a thumbnail is kept beside them, and their message is updated with their size and placeholder.
 * The files table is the queue (sent pictures not prepared yet), so work a crash cut short is found again, and two
 * processes preparing one picture write the same bytes and record it once.
 */
export class Pictures {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    /** Tells a message's readers what was found. */
    private readonly tell: (change: Change) => void,
    private readonly log: Logger,
  ) {}

  /** Prepares every sent picture waiting; resolves when none is left (one asked for meanwhile included). */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.rounds().finally(() => (this.running = undefined));
    return this.running;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      for (let round = await this.store.files.unprepared(ROUND); round.length > 0; round = await this.store.files.unprepared(ROUND)) {
        for (const id of round) {
          if (this.stopped) return;
          await this.prepare(id);
        }
      }
    } while (this.again && !this.stopped);
  }

  /** Finishes the picture being prepared and prepares no other: the rest wait for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async prepare(id: string): Promise<void> {
    const body = await this.blobs.get(id);
    const picture = body === undefined ? undefined : await preparePicture(Buffer.concat(await body.toArray()));
    if (picture !== undefined) {
      await this.blobs.put(thumbnailKey(id), Readable.from([picture.thumbnail]));
      // Replaced whole, under the same key: a reader gets the old bytes or the new ones, never half of each.
      await this.blobs.put(id, Readable.from([picture.image]));
    }
    const found: PreparedFile = picture === undefined
      ? { type: NOT_A_PICTURE }
      : { size: picture.image.length, width: picture.width, height: picture.height, placeholder: picture.placeholder, thumbnail: true };
    const recorded = await this.store.messages.prepared(id, found, nowSeconds());
    if (recorded === 'gone') {
      // The message was deleted while its picture was prepared, and the file removed: so go the bytes written since.
      await this.blobs.delete(thumbnailKey(id));
      await this.blobs.delete(id);
      return;
    }
    if (recorded !== undefined) this.tell(stamped(recorded.change, 'message_updated', { message: recorded.message }));
    if (picture === undefined) this.log.warn({ fileId: id }, 'a file sent as a picture is none: it is served as a download');
  }
}
