import type { Role } from '@hearth/protocol';
import { and, desc, eq, isNull, gt, ne } from 'drizzle-orm';
import type { NewSession, NewSignInLink, SessionRow, SignedIn, SignInLinkRow, UseSignInLink, UseSignInLinkOutcome } from '../store.js';
import { rows, run, type Conn } from './open.js';
import { sessions, signInLinks, users } from './schema.js';
import { toUser, USER_COLUMNS } from './users.js';
import type { Tx } from './writer.js';

// Every connection signs in through this one: a prepared statement.
const BY_TOKEN = {
  name: 'sessions.by_token',
  text: 'SELECT s.id, u.id, u.nickname, u.role, u.deactivated_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1',
};
const TOUCH = { name: 'sessions.touch', text: 'UPDATE sessions SET last_used_at = $1 WHERE id = ANY($2::integer[])' };

export async function sessionByTokenHash(on: Conn, hash: string): Promise<SignedIn | undefined> {
  const [row] = await rows<[sessionId: number, id: number, nickname: string, role: Role | null, deactivatedAt: number | null]>(on, BY_TOKEN, [hash]);
  if (row === undefined) return undefined;
  const [sessionId, id, nickname, role, deactivatedAt] = row;
  return { sessionId, user: toUser({ id, nickname, role, deactivatedAt }) };
}

export async function sessionsOf(on: Conn, userId: number): Promise<SessionRow[]> {
  return on.db
    .select({ id: sessions.id, label: sessions.label, createdAt: sessions.createdAt, lastUsedAt: sessions.lastUsedAt })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.id));
}

/** Makes a session; call inside the transaction that signs the device in. */
export async function createSession(tx: Tx, userId: number, session: NewSession, at: number): Promise<number> {
  const [row] = await tx.db.insert(sessions).values({ userId, tokenHash: session.tokenHash, label: session.label, createdAt: at, lastUsedAt: at }).returning({ id: sessions.id });
  return row!.id;
}

/** Deletes the user's sessions: one, all but one, or (deactivating them) all. */
export async function deleteSessions(on: Conn, userId: number, which: { only: number } | { except: number } | 'all'): Promise<number[]> {
  const mine = eq(sessions.userId, userId);
  const where = which === 'all' ? mine : and(mine, 'only' in which ? eq(sessions.id, which.only) : ne(sessions.id, which.except));
  return (await on.db.delete(sessions).where(where).returning({ id: sessions.id })).map((row) => row.id);
}

/** One statement however many: the ids travel as one array. */
export async function touchSessions(on: Conn, ids: readonly number[], at: number): Promise<void> {
  await run(on, TOUCH, [at, ids]);
}

export async function createSignInLink(on: Conn, link: NewSignInLink): Promise<void> {
  await on.db.insert(signInLinks).values({ ...link });
}

export async function signInLink(on: Conn, codeHash: string): Promise<SignInLinkRow | undefined> {
  const [row] = await on.db.select().from(signInLinks).where(eq(signInLinks.codeHash, codeHash));
  return row === undefined ? undefined : { codeHash: row.codeHash, userId: row.userId, createdBy: row.createdBy, createdAt: row.createdAt, expiresAt: row.expiresAt, usedAt: row.usedAt };
}

/** Uses a link once and makes a session with it, inside one transaction. */
export async function useSignInLink(tx: Tx, use: UseSignInLink): Promise<UseSignInLinkOutcome> {
  const link = await signInLink(tx, use.codeHash);
  if (link === undefined) return { ok: false, reason: 'missing' };
  // The guard makes using a link atomic: of two devices racing for one link, one signs in.
  const claimed = await tx.db
    .update(signInLinks)
    .set({ usedAt: use.at })
    .where(and(eq(signInLinks.codeHash, use.codeHash), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, use.at)));
  if (claimed.rowCount !== 1) return { ok: false, reason: 'expired' };
  const [user] = await tx.db.select(USER_COLUMNS).from(users).where(eq(users.id, link.userId));
  // Checked after claiming, so the link is spent either way: a deactivated account's link is not tried again.
  if (user === undefined || user.deactivatedAt !== null) return { ok: false, reason: 'deactivated' };
  const sessionId = await createSession(tx, link.userId, use, use.at);
  return { ok: true, user: toUser(user), sessionId };
}
