import type { ConversationType, User } from '@hearth/protocol';
import { asc } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { conversationMembers, conversations, users } from '../db/schema.js';

export interface ConversationEntry {
  id: number;
  type: ConversationType;
  createdAt: number;
  /** Members of a DM or group. The lobby's members are everyone, so its set stays empty. */
  members: Set<number>;
}

/**
 * An in-memory mirror of users and memberships, loaded once at start and kept current by the domain modules,
 * so that membership checks and fan-out on the message path cost no query.
 */
export class Directory {
  readonly users = new Map<number, User>();
  readonly conversations = new Map<number, ConversationEntry>();
  private readonly byUser = new Map<number, Set<number>>();
  lobbyId = 0;

  load(db: Db): void {
    for (const u of db.select({ id: users.id, nickname: users.nickname }).from(users).all()) this.users.set(u.id, u);
    for (const c of db.select().from(conversations).orderBy(asc(conversations.id)).all()) {
      this.addConversation({ id: c.id, type: c.type, createdAt: c.createdAt, members: new Set() });
    }
    for (const m of db.select().from(conversationMembers).all()) this.addMember(m.conversationId, m.userId);
  }

  addUser(user: User): void {
    this.users.set(user.id, user);
  }

  addConversation(entry: ConversationEntry): void {
    this.conversations.set(entry.id, entry);
    if (entry.type === 'lobby') this.lobbyId = entry.id;
  }

  addMember(conversationId: number, userId: number): void {
    const entry = this.conversations.get(conversationId);
    if (entry === undefined) return;
    if (entry.type !== 'lobby') entry.members.add(userId);
    let set = this.byUser.get(userId);
    if (set === undefined) this.byUser.set(userId, (set = new Set()));
    set.add(conversationId);
  }

  isMember(userId: number, conversationId: number): boolean {
    return this.byUser.get(userId)?.has(conversationId) ?? false;
  }

  conversationIdsOf(userId: number): Iterable<number> {
    return this.byUser.get(userId) ?? [];
  }
}
