import { TYPING_NOTICE_INTERVAL_MS, type Conversation, type MemberState, type NotifyLevel } from '@hearth/protocol';
import type { Link } from '../link.js';
import type { ReadStates } from '../read-states.js';
import type { Request } from './request.js';

/** Opening and changing conversations, and the user's place in each: read markers, notify levels, typing. */
export type ConversationRequests = ReturnType<typeof conversationRequests>;

export function conversationRequests(request: Request, link: Link, readStates: ReadStates) {
  /** When this client last said its user was typing, per conversation. */
  const typedAt = new Map<number, number>();

  return {
    /** Opens the DM with a user, or returns the existing one. */
    async createDm(userId: number): Promise<Conversation> {
      return (await request('create_dm', { user_id: userId })).conversation;
    },

    async createGroup(userIds: number[]): Promise<Conversation> {
      return (await request('create_group', { user_ids: userIds })).conversation;
    },

    /** Names a group, or takes its name away with an empty title; every member hears `conversation_updated`. */
    async renameGroup(conversationId: number, title: string): Promise<Conversation> {
      return (await request('rename_group', { conversation_id: conversationId, title })).conversation;
    },

    /** Adds people to a group (those in it already are passed over); they hear of it as `conversation_created`. */
    async addMembers(conversationId: number, userIds: number[]): Promise<Conversation> {
      return (await request('add_members', { conversation_id: conversationId, user_ids: userIds })).conversation;
    },

    /** Takes someone out of a group, as its creator or an admin; the group as it is now. */
    async removeMember(conversationId: number, userId: number): Promise<Conversation> {
      return (await request('remove_member', { conversation_id: conversationId, user_id: userId })).conversation;
    },

    /** Leaves a group; resolves with the group as it is now, without this user. */
    async leaveConversation(conversationId: number): Promise<Conversation> {
      return (await request('leave_conversation', { conversation_id: conversationId })).conversation;
    },

    /**
     * Tells a conversation's other members online that this user is writing. Call it as often as the user types: it
     * goes at most every TYPING_NOTICE_INTERVAL_MS per conversation, and not at all while offline.
     */
    typing(conversationId: number): void {
      const now = Date.now();
      if (now - (typedAt.get(conversationId) ?? -Infinity) < TYPING_NOTICE_INTERVAL_MS) return;
      typedAt.set(conversationId, now);
      link.notify('typing', { conversation_id: conversationId });
    },

    /**
     * The user's state in a conversation: how far they have read, how many messages from others are unread (and how
     * many of those mention them), and what notifies them. Kept up to date from the server's changes, including those
     * made on the user's other devices; undefined before signing in or for a conversation not heard of.
     */
    memberState(conversationId: number): MemberState | undefined {
      return readStates.get(conversationId);
    },

    /** Every conversation's state, as `memberState` gives it. */
    memberStates(): MemberState[] {
      return readStates.all();
    },

    /** Moves the read marker forward to a message the user has seen; every device of theirs learns it. */
    async markRead(conversationId: number, messageId: number): Promise<MemberState> {
      return (await request('mark_read', { conversation_id: conversationId, message_id: messageId })).state;
    },

    /** Chooses which messages of a conversation notify the user: all, mentions only, or none. */
    async setNotify(conversationId: number, notify: NotifyLevel): Promise<MemberState> {
      return (await request('set_notify', { conversation_id: conversationId, notify })).state;
    },
  };
}
