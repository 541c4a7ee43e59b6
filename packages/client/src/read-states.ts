import { defaultNotifyLevel, UNREAD_COUNT_MAX, type Conversation, type MemberState, type Message, type ServerEvent, type ServerEventOf } from '@hearth/protocol';
import type { Session } from './options.js';

/**
 * The user's state in each conversation (read marker, unread counts, notify level), kept as the protocol's "Read
 * state" rules say: taken from `auth_ok`, counted on from messages sent after it, and replaced by each newer
 * `member_state_updated`, from this device or another.
 */
export class ReadStates {
  private readonly states = new Map<number, MemberState>();
  private me = 0;
  /** Messages up to this id are already counted in the sign-in's states. */
  private countedThrough = 0;
  /** Member state changes up to this seq are already reflected in the sign-in's states. */
  private signInCursor = 0;

  /** A connection signed in: the server's states replace what was counted before. */
  signIn(session: Session): void {
    this.me = session.user.id;
    this.countedThrough = session.last_message_id;
    this.signInCursor = session.cursor ?? 0;
    this.states.clear();
    for (const conversation of session.conversations) this.states.set(conversation.id, fresh(conversation.id, conversation.type));
    for (const state of session.member_states ?? []) this.states.set(state.conversation_id, state);
  }

  /** Applies a delivered event; returns the conversation whose state it changed, if any. */
  apply(event: ServerEvent): number | undefined {
    switch (event.type) {
      case 'message':
        return this.counted(event.payload) ? event.payload.conversation_id : undefined;
      case 'member_state_updated':
        return this.replaced(event);
      case 'conversation_created':
        return this.created(event.payload.conversation);
      case 'conversation_updated':
        return this.updated(event.payload.conversation);
      default:
        return undefined;
    }
  }

  /** The user's state in a conversation; undefined for one this client has not heard of. */
  get(conversationId: number): MemberState | undefined {
    return this.states.get(conversationId);
  }

  all(): MemberState[] {
    return [...this.states.values()];
  }

  private counted(message: Message): boolean {
    // A group change line tells of an act, not something said to anyone: the server never counts it either.
    if (message.user_id === this.me || message.id <= this.countedThrough || message.deleted === true || message.event !== undefined) return false;
    const state = this.states.get(message.conversation_id) ?? fresh(message.conversation_id, undefined);
    if (message.id <= state.last_read_id) return false;
    const mentioned = message.mentions?.includes(this.me) === true;
    this.states.set(message.conversation_id, {
      ...state,
      unread: Math.min(state.unread + 1, UNREAD_COUNT_MAX),
      mentions: mentioned ? Math.min(state.mentions + 1, UNREAD_COUNT_MAX) : state.mentions,
    });
    return true;
  }

  private replaced(event: ServerEventOf<'member_state_updated'>): number | undefined {
    // One from a catch-up at or below the sign-in's cursor is already in the sign-in's states. A reply that changed
    // nothing carries no seq and tells the state as it is now, so it is taken like a new one.
    if (event.seq !== undefined && event.seq <= this.signInCursor) return undefined;
    const { state } = event.payload;
    this.states.set(state.conversation_id, state);
    return state.conversation_id;
  }

  private created(conversation: Conversation): number | undefined {
    if (this.states.has(conversation.id)) return undefined;
    this.states.set(conversation.id, fresh(conversation.id, conversation.type));
    return conversation.id;
  }

  /** A group this user is no longer among the members of is gone from their conversations, and its state with it. */
  private updated(conversation: Conversation): number | undefined {
    if (conversation.members.some((member) => member.id === this.me)) return this.created(conversation);
    return this.states.delete(conversation.id) ? conversation.id : undefined;
  }
}

/** A conversation's state before the server has said anything about it: nothing read, nothing unread, the defaults. */
function fresh(conversationId: number, type: Conversation['type'] | undefined): MemberState {
  return { conversation_id: conversationId, last_read_id: 0, unread: 0, mentions: 0, notify: defaultNotifyLevel(type) };
}
