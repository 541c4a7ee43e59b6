import type { Feed } from '../../domain/feed.js';
import type { Search } from '../../domain/search.js';
import type { UserLimits } from '../../rate-limit.js';
import { costOf } from '../cost.js';
import type { Publisher } from '../publisher.js';
import { refused, within, type Handlers } from './handler.js';

export interface ReadNeeds {
  feed: Feed;
  search: Search;
  publisher: Publisher;
  limits: UserLimits;
}

/** Catching up on the change feed, searching, and the keep-alive. */
export function readHandlers({ feed, search, publisher, limits }: ReadNeeds): Handlers<'catch_up' | 'search' | 'ping'> {
  return {
    // Pages are paid for by their size from the user's reads, shared by all their connections, before anything is read.
    catch_up: async (conn, event) => {
      const { id, payload } = event;
      if (!(await within(limits.reads, conn, id, costOf(event, publisher.cursor)))) return;
      // A client that moved from another process may hold a cursor a moment ahead of this one's.
      if (payload.after > publisher.cursor) await publisher.reached(payload.after);
      const result = await feed.catchUp(conn.user!, payload);
      if (!refused(conn, result, id)) conn.reply('caught_up', result.value, id);
    },
    // Counted against the user's search budget, and its reads by size, before anything is read.
    search: async (conn, event) => {
      const { id, payload } = event;
      if (!(await within(limits.searches, conn, id))) return;
      if (!(await within(limits.reads, conn, id, costOf(event, publisher.cursor)))) return;
      const result = await search.find(conn.user!, payload);
      if (!refused(conn, result, id)) conn.reply('search_results', result.value, id);
    },
    ping: (conn, { id }) => conn.reply('pong', {}, id),
  };
}
