import type { PushNotifier } from '../push/notifier.js';
import { nowSeconds } from '../domain/tokens.js';
import type { Consumer } from './runner.js';

/** Changes read per batch. */
const BATCH = 200;
/** A message older than this when the consumer reaches it (after a long stop) is not pushed: chat news goes stale. */
const STALE_AFTER_S = 10 * 60;

/**
 * Sends Web Push notifications for new messages. Each batch is pushed once the cursor has moved past it, so a
 * device hears of a message at most once whichever process runs this and however it stops.
 */
export function pushNotifications(notifier: PushNotifier): Consumer {
  return {
    name: 'push',
    batch: BATCH,
    messages: true,
    idle: () => !notifier.anyone,
    after(changes) {
      const freshFrom = nowSeconds() - STALE_AFTER_S;
      // A group change line is never unread (store/member-states), so it wakes nobody either.
      for (const { kind, message } of changes) {
        if (kind === 'message' && message !== undefined && message.deleted !== true && message.event === undefined && message.created_at >= freshFrom) notifier.messagePublished(message);
      }
    },
  };
}
