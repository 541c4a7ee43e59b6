import type { ChatClient } from '@hearth/client';
import { isAdmin, type Conversation, type User } from '@hearth/protocol';
import { byName } from '../lib/names.js';
import type { People } from './people.svelte.js';

/**
 * Who is in a conversation, and what a person does to a group: name it, add people, remove them, leave. Each request
 * resolves with the group as the server now has it, which `took` applies at once; the same `conversation_updated`
 * reaches this person's other tabs. A refusal is thrown for the form that asked to show.
 */
export class GroupActions {
  constructor(
    private readonly client: ChatClient,
    private readonly people: People,
    private readonly me: () => User,
    private readonly took: (conversation: Conversation) => void,
  ) {}

  /** Everyone in a conversation (the lobby has everyone): you first, then who is online, then by name. */
  membersOf(conversation: Conversation): User[] {
    const me = this.me().id;
    const users = conversation.type === 'lobby' ? [...this.people.users.values()] : conversation.members;
    return [...users].sort(
      (a, b) => Number(b.id === me) - Number(a.id === me) || Number(this.people.isOnline(b.id)) - Number(this.people.isOnline(a.id)) || byName(a, b),
    );
  }

  /** Who could be added to a group: everyone not in it whose account is active. */
  addableTo(conversation: Conversation): User[] {
    const members = new Set(conversation.members.map((user) => user.id));
    return this.people.active.filter((user) => !members.has(user.id));
  }

  /** The one who made the group and admins may remove others from it. */
  mayRemove(conversation: Conversation): boolean {
    return conversation.type === 'group' && (conversation.created_by === this.me().id || isAdmin(this.me()));
  }

  async rename(conversation: Conversation, title: string): Promise<void> {
    this.took(await this.client.renameGroup(conversation.id, title));
  }

  async add(conversation: Conversation, userIds: number[]): Promise<void> {
    this.took(await this.client.addMembers(conversation.id, userIds));
  }

  async remove(conversation: Conversation, userId: number): Promise<void> {
    this.took(await this.client.removeMember(conversation.id, userId));
  }

  async leave(conversation: Conversation): Promise<void> {
    this.took(await this.client.leaveConversation(conversation.id));
  }
}
