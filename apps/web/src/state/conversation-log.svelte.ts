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
  /**
   * The ids of messages shown from what the browser kept (a page opened offline): the server's newest page replaces
   * them, as they may have been edited, deleted or reacted to since.
   */
  private kept: Set<number> | null = null;

  /** Called after every change to `messages`, e.g. to keep them for a page opened offline. */
  constructor(private readonly changed: () => void = () => {}) {}

  get oldestId(): number | undefined {
    return this.messages[0]?.id;
  }

  /** Adds a live or caught-up message; one already here is ignored, unless only kept, when it is the newer word. */
  add(message: Message): void {
    const messages = this.messages;
    const last = messages.at(-1);
    if (last === undefined || message.id > last.id) {
      this.messages = [...messages, message];
    } else if (this.kept?.delete(message.id)) {
      return this.update(message);
    } else if (messages.some((m) => m.id === message.id)) {
      return;
    } else {
      this.messages = [...messages, message].sort(byId);
    }
    this.changed();
  }

  /** Replaces a message held with how it now is (edited, deleted, reacted to); one not held is left to history. */
  update(message: Message): void {
    const index = this.messages.findIndex((m) => m.id === message.id);
    if (index === -1) return;
    const messages = [...this.messages];
    messages[index] = message;
    this.messages = messages;
    this.changed();
  }

  /** Shows what the browser kept until the server is reached; nothing when messages are already held. */
  showKept(messages: Message[]): void {
    if (this.messages.length > 0 || this.loaded || messages.length === 0) return;
    this.kept = new Set(messages.map((m) => m.id));
    this.messages = messages;
  }

  /** Merges a history page; `hasMore` comes from the page that reaches furthest back. Kept messages give way to it. */
  addPage(page: Message[], hasMore: boolean): void {
    const kept = this.kept;
    this.kept = null;
    const held = kept === null ? this.messages : this.messages.filter((m) => !kept.has(m.id));
    const oldest = held[0]?.id;
    const known = new Set(held.map((m) => m.id));
    const fresh = page.filter((m) => !known.has(m.id));
    if (fresh.length > 0 || held !== this.messages) this.messages = [...fresh, ...held].sort(byId);
    if (oldest === undefined || (page[0]?.id ?? Infinity) <= oldest) this.hasMore = hasMore;
    this.changed();
  }
}

function byId(a: Message, b: Message): number {
  return a.id - b.id;
}
