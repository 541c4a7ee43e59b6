import type { MemberState } from '@hearth/protocol';
import { SvelteMap } from 'svelte/reactivity';

/**
 * What is unread in each conversation, as the server keeps it for this person across their devices (the client's
 * member states). The conversation on screen counts as read: its marker is moving there.
 */
export class Unread {
  private readonly states = new SvelteMap<number, MemberState>();
  /** The conversation being read right now (open, and the page visible), or null. */
  reading = $state<number | null>(null);

  /** Messages that ask for attention: all unread ones where everything notifies, mentions where only mentions do. */
  readonly total = $derived([...this.states.keys()].reduce((sum, id) => sum + this.attention(id), 0));

  set(state: MemberState | undefined): void {
    if (state !== undefined) this.states.set(state.conversation_id, state);
  }

  reset(states: readonly MemberState[]): void {
    this.states.clear();
    for (const state of states) this.states.set(state.conversation_id, state);
  }

  /** A conversation this person is no longer in asks for no attention. */
  forget(conversationId: number): void {
    this.states.delete(conversationId);
  }

  state(conversationId: number): MemberState | undefined {
    return this.states.get(conversationId);
  }

  /** Unread messages from others; none in the conversation being read. */
  of(conversationId: number): number {
    return conversationId === this.reading ? 0 : (this.states.get(conversationId)?.unread ?? 0);
  }

  /** Unread messages counted towards the badge and the tab title, by the conversation's notify level. */
  attention(conversationId: number): number {
    const state = this.states.get(conversationId);
    if (state === undefined || conversationId === this.reading) return 0;
    if (state.notify === 'none') return 0;
    return state.notify === 'mentions' ? state.mentions : state.unread;
  }

  /** Messages asking for attention in every conversation but the given one. */
  elsewhere(conversationId: number | null): number {
    return this.total - (conversationId === null ? 0 : this.attention(conversationId));
  }
}
