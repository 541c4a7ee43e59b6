import type { ChatClient, ChatError } from '@hearth/client';
import type { Message } from '@hearth/protocol';
import type { Histories } from './histories.svelte.js';

/** What the composer is doing besides writing a new message. */
export type Composing = { kind: 'reply'; message: Message } | { kind: 'edit'; message: Message };

/** How long a confirmation such as "Copied" stays on the screen. */
const CONFIRMATION_MS = 2500;

/** How far back a jump to a replied-to message pages before giving up, in pages of HISTORY_PAGE_MAX. */
const MAX_JUMP_PAGES = 50;

/**
 * What a person does to messages already sent: answering, editing, deleting, reacting, and going to the one a
 * reply answers. The server's `message_updated` change brings the result to every tab, this one included.
 */
export class MessageActions {
  /** The reply or edit the composer is writing, if any. */
  composing = $state.raw<Composing | null>(null);
  /** A message to bring into view and mark for a moment, e.g. the one a quote belongs to. */
  focused = $state<{ conversationId: number; messageId: number } | null>(null);
  /** Said for a moment after an action that shows no other result, such as copying a message. */
  confirmation = $state<string | null>(null);
  private confirmationTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: ChatClient,
    private readonly histories: Histories,
    private readonly tell: (notice: string) => void,
  ) {}

  reply(message: Message): void {
    this.composing = { kind: 'reply', message };
  }

  edit(message: Message): void {
    this.composing = { kind: 'edit', message };
  }

  /** Leaves a reply or an edit without sending it. */
  cancel(): void {
    this.composing = null;
  }

  /** Saves an edit; resolves false, with a notice, when the server refused it. */
  async saveEdit(message: Message, content: string): Promise<boolean> {
    this.composing = null;
    if (content === message.content) return true;
    return this.attempt('edit', () => this.client.editMessage(message.id, content));
  }

  remove(message: Message): Promise<boolean> {
    if (this.composing?.message.id === message.id) this.composing = null;
    return this.attempt('delete', () => this.client.deleteMessage(message.id));
  }

  /** Takes the link preview off one's own message, for everyone. */
  removePreview(message: Message): Promise<boolean> {
    return this.attempt('remove the preview of', () => this.client.removePreview(message.id));
  }

  /** Adds the reaction, or takes it back if this person made it already. */
  toggleReaction(message: Message, emoji: string, me: number): Promise<boolean> {
    const mine = message.reactions?.find((r) => r.emoji === emoji)?.user_ids.includes(me) ?? false;
    return this.attempt('react', () => (mine ? this.client.unreact(message.id, emoji) : this.client.react(message.id, emoji)));
  }

  /** Puts a message's text on the clipboard; called straight from the press, which a browser may require. */
  async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      return this.tell('Could not copy that message: the browser did not allow it.');
    }
    this.confirmation = 'Copied to the clipboard';
    clearTimeout(this.confirmationTimer);
    this.confirmationTimer = setTimeout(() => (this.confirmation = null), CONFIRMATION_MS);
  }

  /**
   * Brings a message of a conversation into view, loading older pages until it is held: the conversation's log stays
   * one run without gaps, up to the newest message.
   */
  async jumpTo(conversationId: number, messageId: number): Promise<void> {
    // Asked from elsewhere (a search result), the conversation may not hold even its newest page yet.
    await this.histories.loadNewest(conversationId);
    const log = this.histories.log(conversationId);
    for (let pages = 0; (log.oldestId ?? Infinity) > messageId && log.hasMore; pages++) {
      if (pages === MAX_JUMP_PAGES) return this.tell('That message is too far back to show here.');
      const before = log.oldestId;
      await this.histories.loadOlder(conversationId);
      if (log.oldestId === before) return this.tell('Could not load that message; try again once connected.');
    }
    if (!log.messages.some((m) => m.id === messageId)) return this.tell('That message is no longer here.');
    this.focused = { conversationId, messageId };
  }

  private async attempt(what: string, act: () => Promise<Message>): Promise<boolean> {
    try {
      await act();
      return true;
    } catch (error) {
      this.tell(`Could not ${what} that message: ${(error as ChatError).message}`);
      return false;
    }
  }
}
