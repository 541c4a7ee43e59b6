import { groupEventText, type GroupEvent } from '@hearth/protocol';
import type { NewGroupLine } from '../store/store.js';

/**
 * The line telling a group of a change, by the member who made it. Its `content` says it in words with the nicknames
 * as they are now, for clients and bots that do not read `event`; those that do name people as they are called then.
 */
export function groupLine(actorId: number, event: GroupEvent, nameOf: (userId: number) => string): NewGroupLine {
  return { userId: actorId, content: groupEventText(event, actorId, nameOf) ?? `${nameOf(actorId)} changed the group`, event };
}
