import type { Message } from '@hearth/protocol';

/**
 * What this browser holds of one conversation: a run of messages with no gaps, oldest first, ending at the newest.
 * Live messages and catch-up extend it at the end; history pages extend it at the start.
 */
export class ConversationLog {
  // Replaced, never mutated: a long conversation would be costly to proxy message by message.
  messages = $state.raw<Message[]>([]);
  /** Older messages exist on the server that are not in `messages`. */
  hasMore = $state(true);
  /** The newest page has been fetched, so `messages` reaches back past the start of this session. */
  loaded = $state(false);
  loading = $state(false);

  get oldestId(): number | undefined {
    return this.messages[0]?.id;
  }

  /** Adds a live or caught-up message; one already here is ignored. */
  add(message: Message): void {
    const messages = this.messages;
    const last = messages.at(-1);
    if (last === undefined || message.id > last.id) {
      this.messages = [...messages, message];
      return;
    }
    if (messages.some((m) => m.id === message.id)) return;
    this.messages = [...messages, message].sort(byId);
  }

  /** Replaces a message held with how it now is (edited, deleted, reacted to); one not held is left to history. */
  update(message: Message): void {
    const index = this.messages.findIndex((m) => m.id === message.id);
    if (index === -1) return;
    const messages = [...this.messages];
    messages[index] = message;
    this.messages = messages;
  }

  /** Merges a history page; `hasMore` comes from the page that reaches furthest back. */
  addPage(page: Message[], hasMore: boolean): void {
    const oldest = this.oldestId;
    const known = new Set(this.messages.map((m) => m.id));
    const fresh = page.filter((m) => !known.has(m.id));
    if (fresh.length > 0) this.messages = [...fresh, ...this.messages].sort(byId);
    if (oldest === undefined || (page[0]?.id ?? Infinity) <= oldest) this.hasMore = hasMore;
  }
}

function byId(a: Message, b: Message): number {
  return a.id - b.id;
}
