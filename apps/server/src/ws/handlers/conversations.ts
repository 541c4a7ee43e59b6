import { ErrorCode } from '@hearth/protocol';
import type { Conversations, Opened } from '../../domain/conversations.js';
import type { Directory } from '../../domain/directory.js';
import type { GroupChanged, Groups } from '../../domain/groups.js';
import type { MemberStates, StateChanged } from '../../domain/member-states.js';
import type { Result } from '../../domain/result.js';
import type { UserLimits } from '../../rate-limit.js';
import type { Connection } from '../connection.js';
import type { Publisher } from '../publisher.js';
import type { TypingNotices } from '../typing.js';
import { publishOrReply, refused, within, type Handlers } from './handler.js';

export interface ConversationNeeds {
  conversations: Conversations;
  groups: Groups;
  memberStates: MemberStates;
  directory: Directory;
  publisher: Publisher;
  limits: UserLimits;
  typing: TypingNotices;
}

/** Opening DMs and groups, changing groups, one's own state in a conversation, and typing. */
export function conversationHandlers(
  needs: ConversationNeeds,
): Handlers<'create_dm' | 'create_group' | 'rename_group' | 'add_members' | 'remove_member' | 'leave_conversation' | 'mark_read' | 'set_notify' | 'typing'> {
  const { conversations, groups, memberStates, directory, publisher, limits, typing } = needs;

  /**
   * A new conversation is published to its members, the requester hearing it as the reply; an existing DM is only
   * replied. Paid from the user's writes before it is opened.
   */
  async function opened(conn: Connection, id: string | undefined, open: () => Promise<Result<Opened>>): Promise<void> {
    if (!(await within(limits.writes, conn, id))) return;
    const result = await open();
    if (refused(conn, result, id)) return;
    const { conversation, change } = result.value;
    publishOrReply(publisher, conn, id, change, () => conn.reply('conversation_created', { conversation }, id));
  }

  /**
   * Renaming a group, adding, removing or leaving: counted against the user's send limit like an edit (each tells
   * every member), every change of the act published in order, and the requester hearing its own as the reply, once;
   * only replied when nothing changed.
   */
  async function changeGroup(conn: Connection, id: string | undefined, act: () => Promise<Result<GroupChanged>>): Promise<void> {
    if (!(await within(limits.sends, conn, id))) return;
    const result = await act();
    if (refused(conn, result, id)) return;
    const { conversation, changes, reply } = result.value;
    if (reply === undefined) return conn.reply('conversation_updated', { conversation }, id);
    for (const change of changes) publisher.publish(change, change === reply ? { conn, requestId: id } : undefined);
  }

  /**
   * A read marker or notify level: published to the user's own connections, the requester hearing it as the reply, or
   * only replied when it changed nothing. Paid from the user's writes: each is a transaction and a change, and a
   * user's many connections together must not toggle one without bound (the change replaces the one before it).
   */
  async function changeState(conn: Connection, id: string | undefined, act: () => Promise<Result<StateChanged>>): Promise<void> {
    if (!(await within(limits.writes, conn, id))) return;
    const result = await act();
    if (refused(conn, result, id)) return;
    const { state, change } = result.value;
    publishOrReply(publisher, conn, id, change, () => conn.reply('member_state_updated', { state }, id));
  }

  return {
    create_dm: (conn, { id, payload }) => opened(conn, id, () => conversations.openDm(conn.user!, payload.user_id)),
    create_group: (conn, { id, payload }) => opened(conn, id, () => conversations.createGroup(conn.user!, payload.user_ids)),
    rename_group: (conn, { id, payload }) => changeGroup(conn, id, () => groups.rename(conn.user!, payload.conversation_id, payload.title)),
    add_members: (conn, { id, payload }) => changeGroup(conn, id, () => groups.add(conn.user!, payload.conversation_id, payload.user_ids)),
    remove_member: (conn, { id, payload }) => changeGroup(conn, id, () => groups.remove(conn.user!, payload.conversation_id, payload.user_id)),
    leave_conversation: (conn, { id, payload }) => changeGroup(conn, id, () => groups.leave(conn.user!, payload.conversation_id)),
    mark_read: (conn, { id, payload }) => changeState(conn, id, () => memberStates.markRead(conn.user!, payload.conversation_id, payload.message_id)),
    set_notify: (conn, { id, payload }) => changeState(conn, id, () => memberStates.setNotify(conn.user!, payload.conversation_id, payload.notify)),
    // Passed on to the conversation's other members online, at most once an interval; nothing is stored.
    typing: (conn, { id, payload }) => {
      if (!directory.isMember(conn.user!.id, payload.conversation_id)) return conn.fail(ErrorCode.ConversationNotFound, 'No such conversation', id);
      if (typing.allow(conn.user!.id, payload.conversation_id)) publisher.typing(payload.conversation_id, conn.user!.id);
    },
  };
}
