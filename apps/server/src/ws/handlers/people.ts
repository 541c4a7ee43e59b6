import type { People } from '../../domain/people.js';
import type { Handlers } from './handler.js';

/**
 * Who is on the server, for clients sent only part of it at sign-in. A page is a few tens of KB at most; the
 * connection's request limit and the reply's size cost keep a client from paging the directory in a loop.
 */
export function peopleHandlers(people: People): Handlers<'list_users'> {
  return {
    list_users: (conn, { id, payload }) => conn.reply('users', people.list(payload), id),
  };
}
