import { ErrorCode, MAX_GROUP_MEMBERS, type Conversation, type User } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { ConversationEntry, Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

export interface Opened {
  conversation: Conversation;
  /** The change to publish; absent when an existing DM was returned. */
  change?: Change;
}

export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /**
   * The user's conversations, lobby first, each with its members and its newest message as of now (a change tells a
   * conversation as it was created; clients follow its activity from its messages).
   */
  listFor(userId: number): Conversation[] {
    const list: Conversation[] = [];
    for (const id of this.directory.conversationIdsOf(userId)) {
      const entry = this.directory.conversations.get(id)!;
      const conversation = this.directory.describe(entry);
      if (entry.lastMessageId > 0) conversation.last_message_id = entry.lastMessageId;
      list.push(conversation);
    }
    return list.sort((a, b) => (a.type === 'lobby' ? -1 : b.type === 'lobby' ? 1 : a.id - b.id));
  }

  /** Returns the DM between the two users, creating it if there is none. */
  async openDm(actor: User, otherId: number): Promise<Result<Opened>> {
    if (otherId === actor.id) return refuse(ErrorCode.CannotDmSelf, 'You cannot start a DM with yourself');
    if (!this.directory.users.has(otherId)) return refuse(ErrorCode.UserNotFound, `No user has id ${otherId}`);
    const existing = this.findDm(actor.id, otherId);
    if (existing !== undefined) return ok({ conversation: this.directory.describe(existing) });
    if (this.directory.users.get(otherId)!.deactivated === true) return refuse(ErrorCode.AccountDeactivated, 'This account is deactivated');
    const dmKey = `${Math.min(actor.id, otherId)}:${Math.max(actor.id, otherId)}`;
    return ok(await this.create('dm', dmKey, [actor.id, otherId], null));
  }

  /** Creates a group of the actor and the listed users (duplicates dropped). */
  async createGroup(actor: User, userIds: number[]): Promise<Result<Opened>> {
    const others = [...new Set(userIds)].filter((id) => id !== actor.id);
    const unknown = others.find((id) => !this.directory.users.has(id));
    if (unknown !== undefined) return refuse(ErrorCode.UserNotFound, `No user has id ${unknown}`);
    if (others.some((id) => this.directory.users.get(id)!.deactivated === true)) return refuse(ErrorCode.AccountDeactivated, 'A deactivated account cannot be added');
    if (others.length === 0) return refuse(ErrorCode.GroupTooSmall, 'A group needs at least one other member');
    if (others.length + 1 > MAX_GROUP_MEMBERS) {
      return refuse(ErrorCode.GroupTooLarge, `A group has at most ${MAX_GROUP_MEMBERS} members`);
    }
    return ok(await this.create('group', null, [actor.id, ...others], actor.id));
  }

  private findDm(a: number, b: number): ConversationEntry | undefined {
    for (const id of this.directory.conversationIdsOf(a)) {
      const entry = this.directory.conversations.get(id)!;
      if (entry.type === 'dm' && entry.members.has(b)) return entry;
    }
    return undefined;
  }

  private async create(type: 'dm' | 'group', dmKey: string | null, memberIds: number[], createdBy: number | null): Promise<Opened> {
    const created = await this.store.conversations.create({ type, dmKey, memberIds, createdAt: nowSeconds(), createdBy });
    const members = memberIds.map((id) => this.directory.users.get(id)!);
    const conversation: Conversation = { id: created.id, type, members, created_at: created.createdAt };
    if (createdBy !== null) conversation.created_by = createdBy;
    if (created.change === undefined) return { conversation };
    return { conversation, change: stamped(created.change, 'conversation_created', { conversation }) };
  }
}
