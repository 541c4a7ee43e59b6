import type { Role, User } from '@hearth/protocol';
import { users } from './schema.js';

/** The columns a User is read from. */
export const USER_COLUMNS = { id: users.id, nickname: users.nickname, role: users.role, deactivatedAt: users.deactivatedAt };

export interface UserRow {
  id: number;
  nickname: string;
  role: Role | null;
  deactivatedAt: number | null;
}

/** A user as the wire carries it: a role or deactivation only when there is one. */
export function toUser(row: UserRow): User {
  const user: User = { id: row.id, nickname: row.nickname };
  if (row.role !== null) user.role = row.role;
  if (row.deactivatedAt !== null) user.deactivated = true;
  return user;
}
