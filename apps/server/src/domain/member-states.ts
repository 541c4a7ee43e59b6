import { defaultNotifyLevel, ErrorCode, type MemberState, type NotifyLevel, type User } from '@hearth/protocol';
import type { MemberSettings, Store, StoredMemberState } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

/** A member's state after a request: with the change to publish, or without when the request changed nothing. */
export interface StateChanged {
  state: MemberState;
  change?: Change;
}

/** Until a member chooses, the lobby notifies of mentions only (everyone is in it) and DMs and groups of everything. */
export function defaultNotify(directory: Directory, conversationId: number): NotifyLevel {
  return defaultNotifyLevel(directory.conversations.get(conversationId)?.type);
}

export function toMemberState(state: StoredMemberState, directory: Directory): MemberState {
  return {
    conversation_id: state.conversationId,
    last_read_id: state.lastReadId,
    unread: state.unread,
    mentions: state.mentions,
    notify: state.notify ?? defaultNotify(directory, state.conversationId),
  };
}

/** Each user's own state in their conversations: read markers and notify levels, shared by all their devices. */
export class MemberStates {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /** Every conversation's state for `auth_ok`, counting unread messages up to `upTo`. */
  async forWelcome(userId: number, upTo: number): Promise<MemberState[]> {
    return (await this.store.memberStates.of(userId, upTo)).map((state) => toMemberState(state, this.directory));
  }

  /** Moves the read marker forward to `messageId`, or to the conversation's newest message if that is older. */
  markRead(actor: User, conversationId: number, messageId: number): Promise<Result<StateChanged>> {
    const newest = this.directory.conversations.get(conversationId)?.lastMessageId ?? 0;
    const target = Math.min(messageId, newest);
    return this.change(actor, conversationId, (state) => (target <= state.lastReadId ? 'unchanged' : { ...state, lastReadId: target }));
  }

  setNotify(actor: User, conversationId: number, notify: NotifyLevel): Promise<Result<StateChanged>> {
    return this.change(actor, conversationId, (state) => (state.notify === notify ? 'unchanged' : { ...state, notify }));
  }

  private async change(actor: User, conversationId: number, decide: (state: MemberSettings) => MemberSettings | 'unchanged'): Promise<Result<StateChanged>> {
    if (!this.directory.isMember(actor.id, conversationId)) return refuse(ErrorCode.ConversationNotFound, 'No such conversation');
    const outcome = await this.store.memberStates.update(actor.id, conversationId, decide, nowSeconds());
    if (outcome === 'missing') return refuse(ErrorCode.ConversationNotFound, 'No such conversation');
    const state = toMemberState(outcome.state, this.directory);
    return ok(outcome.change === undefined ? { state } : { state, change: stamped(outcome.change, 'member_state_updated', { state }) });
  }
}
