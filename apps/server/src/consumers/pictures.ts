import { isPreparedImage } from '@hearth/protocol';
import type { Pictures } from '../files/pictures.js';
import type { Consumer } from './runner.js';

/** Changes read per batch. */
const BATCH = 200;

/**
 * Prepares the pictures new messages carry (files/pictures.ts), after the send has committed and been told: the
 * work is found in the files table, so a batch only says when to look, and a crash meanwhile loses nothing.
 */
export function picturePreparation(pictures: Pictures): Consumer {
  return {
    name: 'pictures',
    batch: BATCH,
    messages: true,
    relevant: ({ kind, message }) => kind === 'message' && message?.attachments?.some((file) => isPreparedImage(file.type)) === true,
    async after() {
      await pictures.drain();
    },
  };
}
