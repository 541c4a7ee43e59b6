import type { GroupEvent } from './models.js';

/** "Dan", "Dan and Eve", "Dan, Eve and Fay". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * A group change line in words, as the server writes it into `content` and a page shows it with people's nicknames
 * as they are now. Undefined for a kind this version does not know (the group of kinds is open).
 */
export function groupEventText(event: GroupEvent, actorId: number, nickname: (userId: number) => string): string | undefined {
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
      return undefined;
  }
}
