import { USERS_PAGE_MAX, type ServerPayload, type User } from '@hearth/protocol';
import type { Request } from './request.js';

/** Who is on the server, for a session whose `users` was partial (`users_partial`): fetched when needed. */
export type PeopleRequests = ReturnType<typeof peopleRequests>;

export function peopleRequests(request: Request) {
  return {
    /** These people (ids nobody has are left out), in order of id; asked for in as few requests as the limit allows. */
    async findUsers(ids: readonly number[]): Promise<User[]> {
      const unique = [...new Set(ids)];
      const found: User[] = [];
      for (let i = 0; i < unique.length; i += USERS_PAGE_MAX) {
        found.push(...(await request('list_users', { ids: unique.slice(i, i + USERS_PAGE_MAX) })).users);
      }
      return found;
    },

    /** One page of everyone, in order of id, after `after` (the last id of the page before). */
    listUsers(options: { after?: number; limit?: number } = {}): Promise<ServerPayload<'users'>> {
      return request('list_users', { after: options.after, limit: options.limit });
    },

    /** Everyone on the server, page by page. */
    async allUsers(): Promise<User[]> {
      const everyone: User[] = [];
      let page: ServerPayload<'users'> | undefined;
      do {
        page = await request('list_users', { after: everyone.at(-1)?.id, limit: USERS_PAGE_MAX });
        everyone.push(...page.users);
      } while (page.has_more && page.users.length > 0);
      return everyone;
    },
  };
}
