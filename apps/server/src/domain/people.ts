import { USERS_PAGE_DEFAULT, type ClientPayload, type ServerPayload, type User } from '@hearth/protocol';
import type { Directory } from './directory.js';

/**
 * Who is on the server, asked for by a client that was not sent everyone at sign-in. Anyone signed in may know
 * everyone's name, as they could in the lobby; answered from the in-memory directory, so no query.
 */
export class People {
  private sortedVersion = -1;
  private sorted: number[] = [];

  constructor(private readonly directory: Directory) {}

  list(payload: ClientPayload<'list_users'>): ServerPayload<'users'> {
    const { users } = this.directory;
    if (payload.ids !== undefined) {
      const found = new Map<number, User>();
      for (const id of payload.ids) {
        const user = users.get(id);
        if (user !== undefined) found.set(id, user);
      }
      return { users: [...found.values()].sort((a, b) => a.id - b.id), has_more: false };
    }
    const ids = this.ids();
    const start = firstAbove(ids, payload.after ?? 0);
    const end = Math.min(ids.length, start + (payload.limit ?? USERS_PAGE_DEFAULT));
    return { users: ids.slice(start, end).map((id) => users.get(id)!), has_more: end < ids.length };
  }

  /** Everyone's ids in order, sorted again only after someone joined or changed. */
  private ids(): number[] {
    if (this.sortedVersion !== this.directory.usersVersion) {
      this.sorted = [...this.directory.users.keys()].sort((a, b) => a - b);
      this.sortedVersion = this.directory.usersVersion;
    }
    return this.sorted;
  }
}

/** The index of the first id above `after` in ascending `ids`. */
function firstAbove(ids: number[], after: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
