import { type Database, type Tx } from './database.js';
import { statement } from './statement.js';
import { toUser, USER_COLUMNS, type UserRow } from './rows.js';
import type { NewSession, NewSignInLink, SessionRow, SignedIn, SignInLinkRow, UseSignInLink, UseSignInLinkOutcome } from './types.js';

// Every connection signs in through this one.
const BY_TOKEN = statement('sessions.by_token', `SELECT s.id, ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`);
const EXISTS = statement('sessions.exists', 'SELECT 1 FROM sessions WHERE id = $1');
const OF_USER = statement('sessions.of_user', 'SELECT id, label, created_at, last_used_at FROM sessions WHERE user_id = $1 ORDER BY last_used_at DESC, id DESC');
const INSERT = statement('sessions.insert', 'INSERT INTO sessions (user_id, token_hash, label, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4) RETURNING id');
const DELETE_ONE = statement('sessions.delete_one', 'DELETE FROM sessions WHERE user_id = $1 AND id = $2 RETURNING id');
const DELETE_OTHERS = statement('sessions.delete_others', 'DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id');
const DELETE_ALL = statement('sessions.delete_all', 'DELETE FROM sessions WHERE user_id = $1 RETURNING id');
const LINK = statement('sign_in_links.by_code', 'SELECT code_hash, user_id, created_by, created_at, expires_at, used_at FROM sign_in_links WHERE code_hash = $1');
const INSERT_LINK = statement(
  'sign_in_links.insert',
  'INSERT INTO sign_in_links (code_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
);
// The guard makes using a link atomic: of two devices racing for one link, one signs in.
const CLAIM_LINK = statement('sign_in_links.claim', 'UPDATE sign_in_links SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2');
const USER = statement('sessions.user', `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`);

/** Signed-in devices and one-time sign-in links. */
export class Sessions {
  constructor(private readonly db: Database) {}

  /** The session a bearer token belongs to, with its user; none once the session is revoked. */
  async byTokenHash(tokenHash: string): Promise<SignedIn | undefined> {
    const [row] = await this.db.rows<[number, ...UserRow]>(BY_TOKEN, [tokenHash]);
    if (row === undefined) return undefined;
    const [sessionId, ...user] = row;
    return { sessionId, user: toUser(user) };
  }

  /** Whether the session is still there (not revoked). */
  async exists(sessionId: number): Promise<boolean> {
    return (await this.db.rows(EXISTS, [sessionId])).length > 0;
  }

  /** The user's sessions, most recently used first. */
  async of(userId: number): Promise<SessionRow[]> {
    const rows = await this.db.rows<[number, string, number, number]>(OF_USER, [userId]);
    return rows.map(([id, label, createdAt, lastUsedAt]) => ({ id, label, createdAt, lastUsedAt }));
  }

  /** Deletes the user's sessions: one, or all but one. Returns the ids deleted. */
  async delete(userId: number, which: { only: number } | { except: number }): Promise<number[]> {
    const rows = await this.db.rows<[number]>('only' in which ? DELETE_ONE : DELETE_OTHERS, [userId, 'only' in which ? which.only : which.except]);
    return rows.map(([id]) => id);
  }

  /** Records that these sessions were connected at `at`; one statement however many, the ids bound as one list. */
  async touch(ids: readonly number[], at: number): Promise<void> {
    if (ids.length > 0) await this.db.run(this.db.sql.touchSessions, [at, ids]);
  }

  async createLink(link: NewSignInLink): Promise<void> {
    await this.db.run(INSERT_LINK, [link.codeHash, link.userId, link.createdBy, link.createdAt, link.expiresAt]);
  }

  async link(codeHash: string): Promise<SignInLinkRow | undefined> {
    return linkByCode(this.db, codeHash);
  }

  /** Uses a sign-in link once and makes a session with it, all or nothing; of two racing for one link, one wins. */
  useLink(use: UseSignInLink): Promise<UseSignInLinkOutcome> {
    return this.db.write(async (tx) => {
      const link = await linkByCode(tx, use.codeHash);
      if (link === undefined) return { ok: false, reason: 'missing' };
      if ((await tx.run(CLAIM_LINK, [use.codeHash, use.at])) !== 1) return { ok: false, reason: 'expired' };
      const [user] = await tx.rows<UserRow>(USER, [link.userId]);
      // Checked after claiming, so the link is spent either way: a deactivated account's link is not tried again.
      if (user === undefined || user[3] !== null) return { ok: false, reason: 'deactivated' };
      return { ok: true, user: toUser(user), sessionId: await createSession(tx, link.userId, use, use.at) };
    });
  }
}

/** Makes a session; call inside the transaction that signs the device in. */
export async function createSession(tx: Tx, userId: number, session: NewSession, at: number): Promise<number> {
  return (await tx.rows<[number]>(INSERT, [userId, session.tokenHash, session.label, at]))[0]![0];
}

/** Deletes all of a user's sessions; call inside the transaction that deactivates them. */
export async function deleteAllSessions(tx: Tx, userId: number): Promise<number[]> {
  return (await tx.rows<[number]>(DELETE_ALL, [userId])).map(([id]) => id);
}

async function linkByCode(on: Database | Tx, codeHash: string): Promise<SignInLinkRow | undefined> {
  const [row] = await on.rows<[string, number, number | null, number, number, number | null]>(LINK, [codeHash]);
  if (row === undefined) return undefined;
  const [, userId, createdBy, createdAt, expiresAt, usedAt] = row;
  return { codeHash, userId, createdBy, createdAt, expiresAt, usedAt };
}
