import { TYPING_NOTICE_INTERVAL_MS } from '@hearth/protocol';

/** Notices closer together than this are dropped; a little under the clients' interval, for network jitter. */
const MIN_GAP_MS = TYPING_NOTICE_INTERVAL_MS - 250;

/**
 * Which typing notices are worth passing on: one per user and conversation per interval. A notice dropped here
 * loses nothing, since clients show someone as typing for three intervals after their last notice.
 */
export class TypingNotices {
  private readonly last = new Map<string, number>();

  /** Whether a notice from this user in this conversation goes out now; if so, it is counted. */
  allow(userId: number, conversationId: number, now = Date.now()): boolean {
    const key = `${userId}:${conversationId}`;
    if (now - (this.last.get(key) ?? -Infinity) < MIN_GAP_MS) return false;
    this.last.set(key, now);
    return true;
  }

  /** Forgets notices too old to hold anything back. */
  prune(now = Date.now()): void {
    for (const [key, at] of this.last) if (now - at >= MIN_GAP_MS) this.last.delete(key);
  }
}
