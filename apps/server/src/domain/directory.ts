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
  /** A group's name; null when it has none. */
  title: string | null;
  /** Who made a group (they may remove its members); null for the lobby and DMs. */
  createdBy: number | null;
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
      const { id, type, createdAt, title, createdBy } = c;
      this.addConversation({ id, type, createdAt, members: new Set(), lastMessageId: c.lastMessageId ?? 0, title, createdBy });
    }
    for (const m of snapshot.members) this.addMember(m.conversationId, m.userId);
  }

  /**
   * Loads everything again, as it is now: for a process that read changes made elsewhere from the log, which tells
   * what a change was about but not the whole of a new conversation or user.
   */
  reload(snapshot: DirectorySnapshot): void {
    this.users.clear();
    this.conversations.clear();
    this.byUser.clear();
    this.load(snapshot);
    this.usersVersion += 1;
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
        const { id, type, created_at, members, title, created_by } = change.payload.conversation;
        // A group that exists: someone was added, and told of it in their own stream.
        if (!this.conversations.has(id)) {
          this.addConversation({ id, type, createdAt: created_at, members: new Set(), lastMessageId: 0, title: title ?? null, createdBy: created_by ?? null });
        }
        for (const member of members) this.addMember(id, member.id);
        return;
      }
      case 'conversation_updated': {
        const { id, title, members } = change.payload.conversation;
        const entry = this.conversations.get(id);
        if (entry === undefined) return;
        entry.title = title ?? null;
        // Only departures: newcomers join by the `conversation_created` that follows in their own streams, so the
        // change that adds them goes to those who were already there, as catch-up tells it.
        const staying = new Set(members.map((member) => member.id));
        for (const userId of [...entry.members]) if (!staying.has(userId)) this.removeMember(id, userId);
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

  /** The conversation as the wire tells it; `now` gives what an act is about to make of it. */
  describe(entry: ConversationEntry, now: Partial<Pick<ConversationEntry, 'members' | 'title'>> = {}): Conversation {
    const { members = entry.members, title = entry.title } = now;
    const conversation: Conversation = { id: entry.id, type: entry.type, members: [...members].map((id) => this.users.get(id)!), created_at: entry.createdAt };
    if (title !== null) conversation.title = title;
    if (entry.createdBy !== null) conversation.created_by = entry.createdBy;
    return conversation;
  }

  private addConversation(entry: ConversationEntry): void {
    this.conversations.set(entry.id, entry);
    if (entry.type === 'lobby') this.lobbyId = entry.id;
  }

  private removeMember(conversationId: number, userId: number): void {
    this.conversations.get(conversationId)?.members.delete(userId);
    this.byUser.get(userId)?.delete(conversationId);
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
