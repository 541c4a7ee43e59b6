import { SvelteMap } from 'svelte/reactivity';

/** Messages from others that arrived while their conversation was not in view, per conversation. */
export class Unread {
  private readonly counts = new SvelteMap<number, number>();

  readonly total = $derived([...this.counts.values()].reduce((sum, n) => sum + n, 0));

  of(conversationId: number): number {
    return this.counts.get(conversationId) ?? 0;
  }

  bump(conversationId: number): void {
    this.counts.set(conversationId, this.of(conversationId) + 1);
  }

  clear(conversationId: number): void {
    if (this.counts.has(conversationId)) this.counts.delete(conversationId);
  }

  /** Unread messages in every conversation but the given one. */
  elsewhere(conversationId: number | null): number {
    return this.total - (conversationId === null ? 0 : this.of(conversationId));
  }
}
