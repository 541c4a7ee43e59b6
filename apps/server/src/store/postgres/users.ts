import { users } from './schema.js';

/** The columns a User is read from; `toUser` (shared with SQLite) makes the User. */
export const USER_COLUMNS = { id: users.id, nickname: users.nickname, role: users.role, deactivatedAt: users.deactivatedAt };

export { toUser } from '../sqlite/users.js';
