import type { Reaction } from '@hearth/protocol';

/** The reactions offered first, in the order people reach for them. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

/** The reactions offered in the full list. */
export const REACTIONS = [
  ...QUICK_REACTIONS,
  '😮', '😢', '🙏', '👀', '🔥', '✅', '👏', '😄', '🤔', '🙌', '💯', '😍', '🥳', '😅', '👋', '🚀', '☕', '🍕', '🌈', '👎',
] as const;

/** "Ann, Ben and 2 others reacted with 👍": who reacted, for a tooltip or a screen reader. */
export function reactedBy(reaction: Reaction, nickname: (id: number) => string, me: number): string {
  const names = reaction.user_ids.map((id) => (id === me ? 'you' : nickname(id)));
  const shown = names.length <= 3 ? names : [...names.slice(0, 2), `${names.length - 2} others`];
  const list = shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)!}`;
  return `${list.charAt(0).toUpperCase()}${list.slice(1)} reacted with ${reaction.emoji}`;
}
