import type { ChatClient } from '@hearth/client';

/** How long seeing settles before the marker moves: a burst of messages read together moves it once. */
const SETTLE_MS = 400;

/**
 * Moves this person's read marker on the server as they see messages: forward only, once per burst, and not while
 * offline (the next sign-in's view moves it then).
 */
export class ReadMarker {
  private readonly wanted = new Map<number, number>();
  private readonly asked = new Map<number, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: ChatClient,
    private readonly online: () => boolean,
  ) {}

  /** The person has seen a conversation up to this message. */
  seen(conversationId: number, messageId: number): void {
    const known = Math.max(this.client.memberState(conversationId)?.last_read_id ?? 0, this.asked.get(conversationId) ?? 0);
    if (messageId <= known || messageId <= (this.wanted.get(conversationId) ?? 0)) return;
    this.wanted.set(conversationId, messageId);
    this.timer ??= setTimeout(() => this.send(), SETTLE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(): void {
    this.timer = undefined;
    if (!this.online()) return;
    for (const [conversationId, messageId] of this.wanted) {
      this.asked.set(conversationId, messageId);
      // A marker that did not move is moved again the next time the person sees the conversation.
      this.client.markRead(conversationId, messageId).catch(() => this.asked.delete(conversationId));
    }
    this.wanted.clear();
  }
}
