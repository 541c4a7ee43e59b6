import type { User } from './models.js';

/** What each role may do, as a rank: the owner outranks admins, who outrank members. */
function rankOf(user: Pick<User, 'role'>): number {
  if (user.role === 'owner') return 2;
  if (user.role === 'admin') return 1;
  return 0;
}

/** Admins and the owner administer the server: members, invites, sign-in links for others, any message. */
export function isAdmin(user: Pick<User, 'role'>): boolean {
  return rankOf(user) > 0;
}

/**
 * Whether `actor` may act on `target`'s account (deactivate, reactivate, make a sign-in link for them): an admin or
 * the owner acting on someone of lower rank, never on themselves.
 */
export function mayManage(actor: Pick<User, 'id' | 'role'>, target: Pick<User, 'id' | 'role'>): boolean {
  return actor.id !== target.id && isAdmin(actor) && rankOf(actor) > rankOf(target);
}
