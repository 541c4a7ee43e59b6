import type { Change } from '../domain/changes.js';
import type { MessageChanges } from '../domain/message-changes.js';
import type { Logger } from '../log.js';
import { OutboundError } from '../outbound/errors.js';
import type { OutboundGuard } from '../outbound/guard.js';
import { firstLink } from '../previews/first-link.js';
import { previewOf } from '../previews/page.js';
import type { Message } from '@hearth/protocol';
import type { BlobStore } from '../files/blob-store.js';
import { keepPreviewImage } from '../previews/image.js';
import type { Store } from '../store/store.js';
import type { SentChange } from './recent.js';
import type { Consumer } from './runner.js';

/** Changes read per batch. */
const BATCH = 100;
/** The most of a page read: its head is near its start. */
const PAGE_LIMIT = 1024 * 1024;
/** The most time a page may take. */
const PAGE_TIMEOUT_MS = 5_000;

/**
 * Adds a link preview to each new message with a link: the page is fetched through the outbound guard after the
 * send, at most once (a crash meanwhile loses that preview rather than fetching twice), and the preview stored with
 * the message as a change that catch-up carries.
 */
export function linkPreviews(
  { outbound, blobs, store }: { outbound: OutboundGuard; blobs: BlobStore; store: Store },
  changes: MessageChanges,
  tell: (change: Change) => void,
  log: Logger,
): Consumer {
  async function preview(message: Message, url: string): Promise<void> {
    const messageId = message.id;
    try {
      const page = await outbound.read(url, { limit: PAGE_LIMIT, timeoutMs: PAGE_TIMEOUT_MS, accept: 'text/html' });
      if (page.status !== 200 || page.type !== 'text/html') return;
      const found = previewOf(page.body.toString('utf8'), url);
      if (found === undefined) return;
      const image = found.image === undefined ? undefined : await keepPreviewImage(found.image, message, { outbound, blobs, store });
      const added = await changes.addPreview(messageId, image === undefined ? found.preview : { ...found.preview, image });
      if (added?.change !== undefined) tell(added.change);
    } catch (error) {
      // A page that cannot be reached is no preview, not a failure of the consumer.
      if (!(error instanceof OutboundError)) throw error;
      log.debug({ messageId, code: error.code }, 'no link preview');
    }
  }
  /** The link a new message's preview is of, if it has one. */
  const linkOf = ({ kind, message }: SentChange): string | undefined =>
    kind !== 'message' || message === undefined || message.deleted === true || message.event !== undefined ? undefined : firstLink(message.content);
  return {
    name: 'previews',
    batch: BATCH,
    messages: true,
    relevant: (change) => linkOf(change) !== undefined,
    async after(batch) {
      await Promise.all(batch.flatMap((change) => {
        const url = linkOf(change);
        return url === undefined || change.message === undefined ? [] : [preview(change.message, url)];
      }));
    },
  };
}
