import { ErrorCode, isAdmin, MAX_GROUP_MEMBERS, MAX_GROUP_TITLE_LENGTH, type Conversation, type GroupEvent, type User } from '@hearth/protocol';
import type { GroupAct, NewGroupLine, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { ConversationEntry, Directory } from './directory.js';
import { groupLine } from './group-lines.js';
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
    if (now.title === group.value.title) return ok(this.told(group.value, now, { records: [] }));
    const line = this.line(actor, now.title === null ? { kind: 'renamed' } : { kind: 'renamed', title: now.title });
    const act = await this.store.conversations.rename(conversationId, now.title, nowSeconds(), line);
    return ok(this.told(group.value, now, act, 0));
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
    const act = newcomers.length === 0
      ? { records: [] }
      : await this.store.conversations.add(conversationId, newcomers, nowSeconds(), (added) => this.line(actor, { kind: 'added', users: [...added] }));
    return ok(this.told(entry, { members: new Set([...entry.members, ...newcomers]) }, act, 0));
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
    return ok(await this.without(entry, userId, this.line(actor, { kind: 'removed', users: [userId] }), false));
  }

  async leave(actor: User, conversationId: number): Promise<Result<GroupChanged>> {
    const group = this.groupOf(actor, conversationId);
    if (!group.ok) return group;
    return ok(await this.without(group.value, actor.id, this.line(actor, { kind: 'left' }), true));
  }

  /** The group the actor is a member of: access is checked before what kind of conversation it is. */
  private groupOf(actor: User, conversationId: number): Result<ConversationEntry> {
    const entry = this.directory.conversations.get(conversationId);
    if (entry === undefined || !this.directory.isMember(actor.id, conversationId)) return notFound();
    if (entry.type !== 'group') return refuse(ErrorCode.NotAGroup, 'Only a group can be renamed, or have members added, removed or leave');
    return ok(entry);
  }

  /** The group's change first, then the one in the removed user's own stream, which answers them when they left. */
  private async without(entry: ConversationEntry, userId: number, line: NewGroupLine, leaving: boolean): Promise<GroupChanged> {
    const members = new Set(entry.members);
    members.delete(userId);
    const act = await this.store.conversations.remove(entry.id, userId, nowSeconds(), line);
    return this.told(entry, { members }, act, leaving ? 1 : 0);
  }

  /** The line telling the group of an act, by its actor, in words with everyone's nickname as it is now. */
  private line(actor: User, event: GroupEvent): NewGroupLine {
    return groupLine(actor.id, event, (id) => this.directory.users.get(id)?.nickname ?? `user ${id}`);
  }

  /**
   * Each change of an act tells the group as the act left it, and its line is a message; the directory catches up as
   * they are published. `reply` is the index of the change the requester hears as its answer.
   */
  private told(entry: ConversationEntry, now: Partial<Pick<ConversationEntry, 'members' | 'title'>>, act: GroupAct, reply?: number): GroupChanged {
    const conversation = this.directory.describe(entry, now);
    const changes = act.records.map((record) => (record.kind === 'message' && act.line !== undefined ? stamped(record, 'message', act.line) : stamped(record, record.kind, { conversation })));
    return { conversation, changes, reply: reply === undefined ? undefined : changes[reply] };
  }
}
