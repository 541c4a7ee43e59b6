import type { GroupEvent } from '@hearth/protocol';
import type { NewGroupLine } from '../store/store.js';

/** "Dan", "Dan and Eve", "Dan, Eve and Fay". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * The line telling a group of a change, by the member who made it. Its `content` says it in words with the nicknames
 * as they are now, for clients and bots that do not read `event`; those that do name people as they are called then.
 */
export function groupLine(actorId: number, event: GroupEvent, nameOf: (userId: number) => string): NewGroupLine {
  return { userId: actorId, content: sentence(nameOf(actorId), event, nameOf), event };
}

function sentence(actor: string, event: GroupEvent, nameOf: (userId: number) => string): string {
  const users = listed((event.users ?? []).map(nameOf));
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
      return `${actor} changed the group`;
  }
}
