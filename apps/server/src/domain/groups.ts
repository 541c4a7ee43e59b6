import { ErrorCode, isAdmin, MAX_GROUP_MEMBERS, MAX_GROUP_TITLE_LENGTH, type Conversation, type User } from '@hearth/protocol';
import type { ChangeRecord, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { ConversationEntry, Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

/** A group after a request: the changes to publish in seq order (none when nothing changed), and the requester's. */
export interface GroupChanged {
  conversation: Conversation;
  changes: Change[];
  /** The change the requester hears as its reply: the group's, or their own stream's when they left. */
  reply?: Change;
}

/** Outsiders learn nothing: a group one is not in looks exactly like one that does not exist. */
const notFound = () => refuse(ErrorCode.ConversationNotFound, 'No such conversation');

/** What members do to a group: name it, add people, remove them, leave. */
export class Groups {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /** Any member names the group; an empty title removes the name. */
  async rename(actor: User, conversationId: number, rawTitle: string): Promise<Result<GroupChanged>> {
    const group = this.groupOf(actor, conversationId);
    if (!group.ok) return group;
    const title = rawTitle.normalize('NFC').trim();
    if ([...title].length > MAX_GROUP_TITLE_LENGTH) return refuse(ErrorCode.InvalidTitle, `A group title has at most ${MAX_GROUP_TITLE_LENGTH} characters`);
    const now = { title: title === '' ? null : title };
    const records = now.title === group.value.title ? [] : await this.store.conversations.rename(conversationId, now.title, nowSeconds());
    return ok(this.told(group.value, now, records, records[0]));
  }

  /** Any member adds people; those already in it are passed over. */
  async add(actor: User, conversationId: number, userIds: number[]): Promise<Result<GroupChanged>> {
    const group = this.groupOf(actor, conversationId);
    if (!group.ok) return group;
    const entry = group.value;
    const wanted = [...new Set(userIds)];
    const unknown = wanted.find((id) => !this.directory.users.has(id));
    if (unknown !== undefined) return refuse(ErrorCode.UserNotFound, `No user has id ${unknown}`);
    const newcomers = wanted.filter((id) => !entry.members.has(id));
    const away = newcomers.find((id) => this.directory.users.get(id)!.deactivated === true);
    if (away !== undefined) return refuse(ErrorCode.AccountDeactivated, `User ${away} was deactivated and cannot be added`);
    if (entry.members.size + newcomers.length > MAX_GROUP_MEMBERS) {
      return refuse(ErrorCode.GroupTooLarge, `A group has at most ${MAX_GROUP_MEMBERS} members`);
    }
    const records = newcomers.length === 0 ? [] : await this.store.conversations.add(conversationId, newcomers, nowSeconds());
    return ok(this.told(entry, { members: new Set([...entry.members, ...newcomers]) }, records, records[0]));
  }

  /** The group's creator, or an admin, removes a member; removing oneself is leaving. */
  async remove(actor: User, conversationId: number, userId: number): Promise<Result<GroupChanged>> {
    if (userId === actor.id) return this.leave(actor, conversationId);
    const group = this.groupOf(actor, conversationId);
    if (!group.ok) return group;
    const entry = group.value;
    if (entry.createdBy !== actor.id && !isAdmin(actor)) {
      return refuse(ErrorCode.Forbidden, 'Only the one who made the group, or an admin, may remove its members');
    }
    if (!entry.members.has(userId)) return refuse(ErrorCode.UserNotFound, `User ${userId} is not in this group`);
    return ok(await this.without(entry, userId, false));
  }

  async leave(actor: User, conversationId: number): Promise<Result<GroupChanged>> {
    const group = this.groupOf(actor, conversationId);
    if (!group.ok) return group;
    return ok(await this.without(group.value, actor.id, true));
  }

  /** The group the actor is a member of: access is checked before what kind of conversation it is. */
  private groupOf(actor: User, conversationId: number): Result<ConversationEntry> {
    const entry = this.directory.conversations.get(conversationId);
    if (entry === undefined || !this.directory.isMember(actor.id, conversationId)) return notFound();
    if (entry.type !== 'group') return refuse(ErrorCode.NotAGroup, 'Only a group can be renamed, or have members added, removed or leave');
    return ok(entry);
  }

  /** The group's change first, then the one in the removed user's own stream, which answers them when they left. */
  private async without(entry: ConversationEntry, userId: number, leaving: boolean): Promise<GroupChanged> {
    const members = new Set(entry.members);
    members.delete(userId);
    const records = await this.store.conversations.remove(entry.id, userId, nowSeconds());
    return this.told(entry, { members }, records, records[leaving ? 1 : 0]);
  }

  /** Each change of an act tells the group as the act left it; the directory catches up as they are published. */
  private told(entry: ConversationEntry, now: Partial<Pick<ConversationEntry, 'members' | 'title'>>, records: ChangeRecord[], reply?: ChangeRecord): GroupChanged {
    const conversation = this.directory.describe(entry, now);
    const changes = records.map((record) => stamped(record, record.kind, { conversation }));
    return { conversation, changes, reply: reply === undefined ? undefined : changes[records.indexOf(reply)] };
  }
}
