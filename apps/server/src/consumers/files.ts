import type { Consumer } from './runner.js';
import type { FileSweeper } from '../files/sweeper.js';

/** Changes read per batch. */
const BATCH = 200;

/**
 * Deletes the bytes of a deleted message's files: it reads the message's `message_updated` change after the
 * deletion commits, removes each blob and then its row. It works outside the database, after its cursor moves, so
 * a crash between the two loses the work; the hourly sweep (files/sweeper.ts) finds such files and finishes it.
 */
export function fileDeletions(sweeper: FileSweeper): Consumer {
  return {
    name: 'files',
    batch: BATCH,
    // Only a deletion (a message updated) can take files away.
    relevant: (change) => change.kind === 'message_updated',
    async after(changes) {
      const updated = new Set<number>();
      for (const change of changes) if (change.kind === 'message_updated') updated.add(change.subjectId);
      for (const messageId of updated) await sweeper.removeOfMessage(messageId);
    },
  };
}
