import type { ChatClient, ChatError } from '@hearth/client';
import type { Conversation } from '@hearth/protocol';
import type { Conversations } from './conversations.svelte.js';
import type { People } from './people.svelte.js';
import type { Selection } from './selection.svelte.js';
import type { Unread } from './unread.svelte.js';

/** Starting conversations (a DM, a group) and following what becomes of them, down to being left. */
export class Opening {
  constructor(
    private readonly client: ChatClient,
    private readonly conversations: Conversations,
    private readonly people: People,
    private readonly selection: Selection,
    private readonly unread: Unread,
    /** A problem worth a word to the person that belongs to no form. */
    private readonly tell: (notice: string) => void,
  ) {}

  /** Opens the DM with a person, creating it if needed. */
  async openDm(userId: number): Promise<void> {
    const existing = this.conversations.dmWith(userId);
    if (existing !== undefined) return this.selection.select(existing.id);
    // The server would refuse it: a deactivated account can be read about, not written to.
    if (this.people.users.get(userId)?.deactivated) return this.tell(`${this.people.nickname(userId)}'s account is deactivated.`);
    try {
      this.opened(await this.client.createDm(userId));
    } catch (error) {
      this.tell(`Could not open the conversation: ${(error as ChatError).message}`);
    }
  }

  /** A refusal is thrown for the form that asked to show. */
  async createGroup(userIds: number[]): Promise<void> {
    this.opened(await this.client.createGroup(userIds));
  }

  /** A group renamed or its members changed; one this person is no longer among the members of is gone, and left if open. */
  updated(conversation: Conversation): void {
    if (this.conversations.update(conversation) || !this.conversations.drop(conversation.id)) return;
    this.unread.forget(conversation.id);
    this.selection.dropped(conversation.id);
  }

  private opened(conversation: Conversation): void {
    this.conversations.add(conversation);
    this.selection.select(conversation.id);
  }
}
