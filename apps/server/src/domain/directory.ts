import type { ChangeEvent, Conversation, ConversationType, User } from '@hearth/protocol';
import type { DirectorySnapshot } from '../store/store.js';

export interface ConversationEntry {
  id: number;
  type: ConversationType;
  createdAt: number;
  /** Members of a DM or group. The lobby's members are everyone, so its set stays empty. */
  members: Set<number>;
  /** The newest message published in it (0 while none): conversations are ordered by it, and read markers stop at it. */
  lastMessageId: number;
}

/**
 * An in-memory mirror of users and memberships, loaded once at start and kept current by applying each published
 * change, so that membership checks and fan-out on the message path cost no query.
 */
export class Directory {
  readonly users = new Map<number, User>();
  /** Goes up whenever a user joins or is renamed, so what is built from the list of users knows to build it again. */
  usersVersion = 0;
  readonly conversations = new Map<number, ConversationEntry>();
  private readonly byUser = new Map<number, Set<number>>();
  lobbyId = 0;

  load(snapshot: DirectorySnapshot): void {
    for (const user of snapshot.users) this.users.set(user.id, user);
    for (const c of snapshot.conversations) {
      this.addConversation({ id: c.id, type: c.type, createdAt: c.createdAt, members: new Set(), lastMessageId: c.lastMessageId ?? 0 });
    }
    for (const m of snapshot.members) this.addMember(m.conversationId, m.userId);
  }

  /** Brings the mirror up to date with a committed change. */
  apply(change: ChangeEvent): void {
    switch (change.type) {
      case 'user_updated':
        this.users.set(change.payload.user.id, change.payload.user);
        this.usersVersion += 1;
        return;
      case 'user_joined':
        this.users.set(change.payload.user.id, change.payload.user);
        this.usersVersion += 1;
        return this.addMember(this.lobbyId, change.payload.user.id);
      case 'conversation_created': {
        const { id, type, created_at, members } = change.payload.conversation;
        if (this.conversations.has(id)) return;
        this.addConversation({ id, type, createdAt: created_at, members: new Set(), lastMessageId: 0 });
        for (const member of members) this.addMember(id, member.id);
        return;
      }
      case 'message': {
        const entry = this.conversations.get(change.payload.conversation_id);
        if (entry !== undefined) entry.lastMessageId = Math.max(entry.lastMessageId, change.payload.id);
        return;
      }
      case 'message_updated':
      case 'member_state_updated':
        return;
    }
  }

  isMember(userId: number, conversationId: number): boolean {
    return this.byUser.get(userId)?.has(conversationId) ?? false;
  }

  conversationIdsOf(userId: number): Iterable<number> {
    return this.byUser.get(userId) ?? [];
  }

  describe(entry: ConversationEntry): Conversation {
    const members = [...entry.members].map((id) => this.users.get(id)!);
    return { id: entry.id, type: entry.type, members, created_at: entry.createdAt };
  }

  private addConversation(entry: ConversationEntry): void {
    this.conversations.set(entry.id, entry);
    if (entry.type === 'lobby') this.lobbyId = entry.id;
  }

  private addMember(conversationId: number, userId: number): void {
    const entry = this.conversations.get(conversationId);
    if (entry === undefined) return;
    if (entry.type !== 'lobby') entry.members.add(userId);
    let set = this.byUser.get(userId);
    if (set === undefined) this.byUser.set(userId, (set = new Set()));
    set.add(conversationId);
  }
}
