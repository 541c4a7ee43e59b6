import { FILE_UNSENT_TTL_S } from '@hearth/protocol';
import { nowSeconds } from '../domain/tokens.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { BlobStore } from './blob-store.js';
import { thumbnailKey } from './pictures.js';

/** Files looked at per round of a sweep. */
const ROUND = 500;

/**
 * Removes files nobody may read any more: those of deleted messages (normally at once, by the consumer in
 * consumers/files.ts; the sweep finds any it missed) and uploads never sent within FILE_UNSENT_TTL_S. Every step can
 * be repeated: a blob already gone is no error.
 */
export class FileSweeper {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly log: Logger,
  ) {}

  /** Removes a deleted message's files: bytes first, then the row, so a row never outlives the search for its bytes. */
  async removeOfMessage(messageId: number): Promise<void> {
    for (const id of await this.store.files.ofDeletedMessage(messageId)) await this.removeSent(id);
  }

  async sweep(now = nowSeconds()): Promise<{ unsent: number; deleted: number }> {
    let unsent = 0;
    let deleted = 0;
    for (let round = await this.store.files.unsentBefore(now - FILE_UNSENT_TTL_S, ROUND); round.length > 0; ) {
      for (const id of round) {
        // The row goes first, and only if still unsent: a send that claims the file meanwhile keeps it whole.
        if (!(await this.store.files.removeUnsent(id))) continue;
        await this.blobs.delete(id);
        unsent++;
      }
      round = round.length < ROUND ? [] : await this.store.files.unsentBefore(now - FILE_UNSENT_TTL_S, ROUND);
    }
    for (let round = await this.store.files.ofDeletedMessages(ROUND); round.length > 0; ) {
      for (const id of round) await this.removeSent(id);
      deleted += round.length;
      round = round.length < ROUND ? [] : await this.store.files.ofDeletedMessages(ROUND);
    }
    if (unsent + deleted > 0) this.log.info({ unsent, deleted }, 'files removed');
    return { unsent, deleted };
  }

  private async removeSent(id: string): Promise<void> {
    await this.blobs.delete(thumbnailKey(id));
    await this.blobs.delete(id);
    await this.store.files.remove(id);
  }
}
