import { conversationAsked } from '../lib/push.js';
import { rememberConversation, rememberedConversation } from '../lib/session.js';
import type { Conversations } from './conversations.svelte.js';
import type { Histories } from './histories.svelte.js';
import type { ReadMarker } from './read-marker.js';
import type { Unread } from './unread.svelte.js';

/**
 * The conversation open on screen, and reading it: while the page is visible what it holds is seen, so the read
 * marker follows its newest message, and arriving to unread messages draws the line "new since your last visit".
 */
export class Selection {
  activeId = $state<number | null>(null);
  readonly active = $derived.by(() => this.conversations.get(this.activeId));
  /** Where the line "new since your last visit" goes: after this message, in this conversation. */
  newSince = $state.raw<{ conversationId: number; after: number } | null>(null);
  private visible = document.visibilityState === 'visible';
  /** The conversation a notification's click opened this page for. */
  private asked = conversationAsked();

  constructor(
    private readonly conversations: Conversations,
    private readonly unread: Unread,
    private readonly histories: Histories,
    private readonly marker: ReadMarker,
  ) {}

  /** The page is visible and this conversation is open on it. */
  watching(conversationId: number): boolean {
    return this.visible && this.activeId === conversationId;
  }

  select(conversationId: number): void {
    // Choosing the conversation already open is no arrival: what came while it was open was being read.
    const switching = conversationId !== this.activeId;
    if (switching) this.newSince = null;
    this.activeId = conversationId;
    rememberConversation(conversationId);
    this.readActive(switching);
    this.showNewest(conversationId);
  }

  /** After a sign-in: the conversation already open, else the one open last time, else the lobby. */
  selectDefault(): void {
    const known = (id: number | null): id is number => this.conversations.has(id);
    const asked = this.asked;
    this.asked = undefined;
    const id = [asked ?? null, this.activeId, rememberedConversation()].find(known) ?? this.conversations.list[0]?.id;
    if (id !== undefined) this.select(id);
  }

  /** A message came into a conversation; the open one's is read at once. */
  heard(conversationId: number): void {
    if (conversationId === this.activeId) this.readActive();
  }

  /** A conversation this person is no longer in: if it was open, another opens. */
  dropped(conversationId: number): void {
    if (this.activeId !== conversationId) return;
    this.activeId = null;
    this.selectDefault();
  }

  /** Connected again: what came meanwhile is fetched, and read if open. */
  reconnected(): void {
    if (this.activeId === null) return;
    this.readActive(true);
    this.showNewest(this.activeId);
  }

  /** The server could not tell what changed while away: what is held may be stale, so it is fetched anew. */
  resync(): void {
    this.histories.clear();
    if (this.activeId !== null) this.showNewest(this.activeId);
  }

  readonly visibilityChanged = (): void => {
    this.visible = document.visibilityState === 'visible';
    this.readActive(this.visible);
  };

  /** Fetches the newest page if it is not held yet; once it is, what it shows has been seen. */
  private showNewest(conversationId: number): void {
    void this.histories.loadNewest(conversationId).then(() => conversationId === this.activeId && this.readActive());
  }

  /**
   * The open conversation is being read while the page is visible: what it holds is seen, so the marker moves to its
   * newest message. When the person `arrived` (opened it, came back to the page) to unread messages, the line "new
   * since your last visit" goes before them.
   */
  private readActive(arrived = false): void {
    const id = this.activeId;
    this.unread.reading = this.visible ? id : null;
    if (id === null || !this.visible) return;
    const state = this.unread.state(id);
    if (arrived && state !== undefined && state.unread > 0) this.newSince = { conversationId: id, after: state.last_read_id };
    const newest = this.histories.log(id).messages.at(-1);
    if (newest !== undefined) this.marker.seen(id, newest.id);
  }
}
