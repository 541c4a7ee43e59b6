import { ErrorCode, MAX_GROUP_MEMBERS, type Conversation, type User } from '@hearth/protocol';
import { sql } from 'drizzle-orm';
import { prepareInsertMember } from '../db/members.js';
import type { Db } from '../db/open.js';
import { conversations } from '../db/schema.js';
import type { ConversationEntry, Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

export interface Created {
  conversation: Conversation;
  /** False when an existing DM was returned. */
  created: boolean;
}

export class Conversations {
  private readonly insert;
  private readonly insertMember;

  constructor(
    private readonly db: Db,
    private readonly directory: Directory,
  ) {
    this.insert = db
      .insert(conversations)
      .values({ type: sql.placeholder('type'), dmKey: sql.placeholder('dmKey'), createdAt: sql.placeholder('now') })
      .returning({ id: conversations.id })
      .prepare();
    this.insertMember = prepareInsertMember(db);
  }

  /** Creates the lobby on first start. */
  ensureLobby(): void {
    if (this.directory.lobbyId !== 0) return;
    const now = nowSeconds();
    const { id } = this.insert.get({ type: 'lobby', dmKey: null, now })!;
    this.directory.addConversation({ id, type: 'lobby', createdAt: now, members: new Set() });
  }

  /** The user's conversations, lobby first, each with its members. */
  listFor(userId: number): Conversation[] {
    const list: Conversation[] = [];
    for (const id of this.directory.conversationIdsOf(userId)) list.push(this.describe(this.directory.conversations.get(id)!));
    return list.sort((a, b) => (a.type === 'lobby' ? -1 : b.type === 'lobby' ? 1 : a.id - b.id));
  }

  /** Returns the DM between the two users, creating it if there is none. */
  openDm(actor: User, otherId: number): Result<Created> {
    if (otherId === actor.id) return refuse(ErrorCode.CannotDmSelf, 'You cannot start a DM with yourself');
    if (!this.directory.users.has(otherId)) return refuse(ErrorCode.UserNotFound, `No user has id ${otherId}`);
    const dmKey = `${Math.min(actor.id, otherId)}:${Math.max(actor.id, otherId)}`;
    const existing = this.findDm(actor.id, otherId);
    if (existing !== undefined) return ok({ conversation: this.describe(existing), created: false });
    return ok({ conversation: this.create('dm', dmKey, [actor.id, otherId]), created: true });
  }

  /** Creates a group of the actor and the listed users (duplicates dropped). */
  createGroup(actor: User, userIds: number[]): Result<Created> {
    const others = [...new Set(userIds)].filter((id) => id !== actor.id);
    const unknown = others.find((id) => !this.directory.users.has(id));
    if (unknown !== undefined) return refuse(ErrorCode.UserNotFound, `No user has id ${unknown}`);
    if (others.length === 0) return refuse(ErrorCode.GroupTooSmall, 'A group needs at least one other member');
    if (others.length + 1 > MAX_GROUP_MEMBERS) {
      return refuse(ErrorCode.GroupTooLarge, `A group has at most ${MAX_GROUP_MEMBERS} members`);
    }
    return ok({ conversation: this.create('group', null, [actor.id, ...others]), created: true });
  }

  private findDm(a: number, b: number): ConversationEntry | undefined {
    for (const id of this.directory.conversationIdsOf(a)) {
      const entry = this.directory.conversations.get(id)!;
      if (entry.type === 'dm' && entry.members.has(b)) return entry;
    }
    return undefined;
  }

  private create(type: 'dm' | 'group', dmKey: string | null, memberIds: number[]): Conversation {
    const now = nowSeconds();
    const id = this.db.$client.transaction(() => {
      const { id } = this.insert.get({ type, dmKey, now })!;
      for (const userId of memberIds) this.insertMember.run({ conversationId: id, userId, now });
      return id;
    })();
    this.directory.addConversation({ id, type, createdAt: now, members: new Set() });
    for (const userId of memberIds) this.directory.addMember(id, userId);
    return this.describe(this.directory.conversations.get(id)!);
  }

  describe(entry: ConversationEntry): Conversation {
    const members = [...entry.members].map((id) => this.directory.users.get(id)!);
    return { id: entry.id, type: entry.type, members, created_at: entry.createdAt };
  }
}
