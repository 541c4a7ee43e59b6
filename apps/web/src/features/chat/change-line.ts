import type { GroupEvent } from '@hearth/protocol';

/** "Dan", "Dan and Eve", "Dan, Eve and Fay". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * A group change line in words, naming people as they are called now; a kind this page does not know reads as the
 * server wrote it (`content`), nicknames as they were then.
 */
export function changeLineText(event: GroupEvent, actorId: number, content: string, nickname: (id: number) => string): string {
  const actor = nickname(actorId);
  const users = listed((event.users ?? []).map(nickname));
  switch (event.kind) {
    case 'added':
      return `${actor} added ${users}`;
    case 'removed':
      return `${actor} removed ${users}`;
    case 'left':
      return `${actor} left`;
    case 'renamed':
      return event.title === undefined ? `${actor} removed the group's name` : `${actor} renamed the group to ${event.title}`;
    default:
      return content;
  }
}
