import type { Conversation, Message, User } from '@hearth/protocol';
import { SvelteMap } from 'svelte/reactivity';
import { dmPartner } from '../lib/names.js';

/** The conversations this person is in, and the lists the sidebar shows of them, newest activity first. */
export class Conversations {
  list = $state.raw<Conversation[]>([]);
  /** Each conversation's newest message id, for ordering by activity. */
  private readonly activity = new SvelteMap<number, number>();

  /** Newest activity first: the conversation with the most recent message. */
  private byActivity = (a: Conversation, b: Conversation): number => (this.activity.get(b.id) ?? 0) - (this.activity.get(a.id) ?? 0) || b.id - a.id;

  readonly lobby = $derived(this.list.find((c) => c.type === 'lobby'));
  readonly groups = $derived(this.list.filter((c) => c.type === 'group').sort(this.byActivity));
  readonly dms = $derived(this.list.filter((c) => c.type === 'dm').sort(this.byActivity));

  constructor(private readonly me: () => User) {}

  get(id: number | null): Conversation | undefined {
    return id === null ? undefined : this.list.find((c) => c.id === id);
  }

  has(id: number | null): id is number {
    return this.get(id) !== undefined;
  }

  /** The DM with a person, if there is one already. */
  dmWith(userId: number): Conversation | undefined {
    return this.list.find((c) => dmPartner(c, this.me().id)?.id === userId);
  }

  /** A sign-in's view of them, with how recent each one's last message is. */
  reset(conversations: Conversation[]): void {
    this.list = conversations;
    this.activity.clear();
    for (const c of conversations) this.activity.set(c.id, c.last_message_id ?? 0);
  }

  /** What the last sign-in kept, shown until the server answers. */
  showKept(conversations: Conversation[]): void {
    this.list = conversations;
  }

  /** A message moves its conversation up. */
  heard(message: Message): void {
    this.activity.set(message.conversation_id, Math.max(message.id, this.activity.get(message.conversation_id) ?? 0));
  }

  add(conversation: Conversation): void {
    if (this.has(conversation.id)) return;
    this.list = [...this.list, conversation];
  }

  /** A group renamed or its members changed; false when this person is no longer among its members. */
  update(conversation: Conversation): boolean {
    if (!conversation.members.some((m) => m.id === this.me().id)) return false;
    if (!this.has(conversation.id)) this.add(conversation);
    else this.list = this.list.map((c) => (c.id === conversation.id ? conversation : c));
    return true;
  }

  /** True when it was there to drop. */
  drop(conversationId: number): boolean {
    if (!this.has(conversationId)) return false;
    this.list = this.list.filter((c) => c.id !== conversationId);
    this.activity.delete(conversationId);
    return true;
  }

  /** Someone's new name, in the members of every conversation they are in. */
  renamed(user: User): void {
    const named = (c: Conversation) => c.members.some((m) => m.id === user.id);
    if (this.list.some(named)) this.list = this.list.map((c) => (named(c) ? { ...c, members: c.members.map((m) => (m.id === user.id ? user : m)) } : c));
  }
}
