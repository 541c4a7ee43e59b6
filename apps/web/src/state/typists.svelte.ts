import { TYPING_SHOWN_MS } from '@hearth/protocol';
import { SvelteMap } from 'svelte/reactivity';

/** Who is typing where, as the server last said: each shown until TYPING_SHOWN_MS after their last notice. */
export class Typists {
  private readonly timers = new SvelteMap<string, ReturnType<typeof setTimeout>>();

  /** A notice came: show them, for a while from now. */
  heard(conversationId: number, userId: number): void {
    const key = `${conversationId}:${userId}`;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => this.timers.delete(key), TYPING_SHOWN_MS));
  }

  /** Their message came: they are done typing it. */
  stopped(conversationId: number, userId: number): void {
    const key = `${conversationId}:${userId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  /** The ids of those typing in a conversation, in the order they started. */
  in(conversationId: number): number[] {
    const prefix = `${conversationId}:`;
    return [...this.timers.keys()].filter((key) => key.startsWith(prefix)).map((key) => Number(key.slice(prefix.length)));
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** "Dana is typing…", for one, two, or more people. */
export function typingLine(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
