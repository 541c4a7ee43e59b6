import type { Role } from '@hearth/protocol';
import type { ChangeLog } from './change-log.js';
import { type Database, type Tx } from './database.js';
import { statement } from './statement.js';
import { toUser, USER_COLUMNS, type UserRow } from './rows.js';
import { createSession, deleteAllSessions } from './sessions.js';
import type { AccountChange, InviteRow, InviteStatus, MemberRow, NewInvite, Redeem, RedeemOutcome, Rename, RenameOutcome } from './types.js';

// An invite made by someone since deactivated counts as revoked, even one that slipped past their deactivation.
const INVITE = statement(
  'invites.by_code',
  `SELECT i.uses, i.max_uses, i.expires_at, coalesce(i.revoked_at, u.deactivated_at)
   FROM invites i LEFT JOIN users u ON u.id = i.created_by WHERE i.code = $1`,
);
const INSERT_INVITE = statement('invites.insert', 'INSERT INTO invites (code, created_by, created_at, expires_at, max_uses) VALUES ($1, $2, $3, $4, $5)');
const UNUSED_FIRST = statement('invites.unused_first', 'SELECT code FROM invites WHERE created_by IS NULL AND used_by IS NULL AND revoked_at IS NULL LIMIT 1');
const INVITE_COLUMNS = 'code, created_by, created_at, expires_at, max_uses, uses, revoked_at';
// A page goes on from the invite whose code ends the page before ($2; null for the first page): codes are what
// clients see, ids are not. Only a code the asker may list counts, so `before` cannot tell whether another's code
// exists. The casts tell PostgreSQL what a null compared only with IS NULL is.
const BEFORE = `(CAST($2 AS text) IS NULL OR id < (SELECT id FROM invites WHERE code = $2 AND ($1 IS NULL OR created_by = $1)))`;
const RECENT = statement(
  'invites.recent',
  `SELECT ${INVITE_COLUMNS} FROM invites WHERE (CAST($1 AS integer) IS NULL OR created_by = $1) AND ${BEFORE} ORDER BY id DESC LIMIT $3`,
);
const REVOKE = statement('invites.revoke', 'UPDATE invites SET revoked_at = coalesce(revoked_at, $2) WHERE code = $1');
const REVOKE_BY = statement('invites.revoke_by', 'UPDATE invites SET revoked_at = $2 WHERE created_by = $1 AND revoked_at IS NULL');
// The guard makes redeeming atomic even against another process sharing the database: the last use is taken once.
const CLAIM = statement(
  'invites.claim',
  `UPDATE invites SET uses = uses + 1, used_by = $2, used_at = $3
   WHERE code = $1 AND revoked_at IS NULL AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > $3)`,
);
const HOLDER = statement('users.holder_of_key', 'SELECT id FROM users WHERE nickname_key = $1');
const USER = statement('users.by_id', `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`);
// The first to join owns the server.
const INSERT_USER = statement(
  'users.insert',
  `INSERT INTO users (nickname, nickname_key, created_at, role) VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM users) THEN NULL ELSE 'owner' END)
   RETURNING id, nickname, role, deactivated_at, status`,
);
// A newcomer has read what came before them: the lobby's history is there to browse, not unread.
export const JOIN_LOBBY = statement(
  'users.join_lobby',
  `INSERT INTO conversation_members (conversation_id, user_id, joined_at, last_read_id)
   VALUES ($1, $2, $3, (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $1))`,
);
const KEYS = statement('users.keys', 'SELECT id, nickname, nickname_key FROM users ORDER BY id');
const SET_KEY = statement('users.set_key', 'UPDATE users SET nickname_key = $2 WHERE id = $1');
const RENAME = statement('users.rename', 'UPDATE users SET nickname = $2, nickname_key = $3 WHERE id = $1');
const SET_STATUS = statement('users.set_status', 'UPDATE users SET status = $2 WHERE id = $1');
const SET_ROLE = statement('users.set_role', 'UPDATE users SET role = $2 WHERE id = $1');
// Deactivation deletes every session, and with them when a device was last used: the newest is kept on the user first.
const SET_DEACTIVATED = statement(
  'users.set_deactivated',
  `UPDATE users SET deactivated_at = $2,
     last_active_at = coalesce((SELECT max(s.last_used_at) FROM sessions s WHERE s.user_id = $1), last_active_at)
   WHERE id = $1`,
);
const DROP_PUSH = statement('users.drop_push', 'DELETE FROM push_subscriptions WHERE user_id = $1');
const EVERYONE = statement(
  'users.everyone',
  `SELECT ${USER_COLUMNS}, u.created_at, coalesce(max(s.last_used_at), u.last_active_at), count(s.id)
   FROM users u LEFT JOIN sessions s ON s.user_id = u.id GROUP BY u.id ORDER BY u.id`,
);

/** Users, their roles and invites: each act that others must learn one transaction with the change it appends. */
export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly log: ChangeLog,
  ) {}

  /** Everyone, in order of joining, with what admins see of them. */
  async members(): Promise<MemberRow[]> {
    const rows = await this.db.rows<[...UserRow, number, number | null, number]>(EVERYONE);
    return rows.map((row) => ({ user: toUser(row.slice(0, 5) as UserRow), joinedAt: row[5], lastActiveAt: row[6], sessions: Number(row[7]) }));
  }

  /**
   * Stores each user's nickname key as `keyOf` makes it now, where that differs, so uniqueness follows the current
   * rule: oldest users first, so an older holder keeps a key two names now share. Returns how many keys changed.
   */
  rekeyNicknames(keyOf: (nickname: string) => string): Promise<number> {
    return this.db.write(async (tx) => {
      const rows = await tx.rows<[number, string, string]>(KEYS);
      const taken = new Set(rows.map(([, , key]) => key));
      let changed = 0;
      for (const [id, nickname, current] of rows) {
        const key = keyOf(nickname);
        if (key === current || taken.has(key)) continue;
        await tx.run(SET_KEY, [id, key]);
        taken.delete(current);
        taken.add(key);
        changed += 1;
      }
      return changed;
    });
  }

  async createInvite(invite: NewInvite): Promise<void> {
    await this.db.run(INSERT_INVITE, [invite.code, invite.createdBy, invite.createdAt, invite.expiresAt, invite.maxUses]);
  }

  inviteStatus(code: string, now: number): Promise<InviteStatus> {
    return inviteStatus(this.db, code, now);
  }

  /** Up to `limit` invites, newest first, older than the one with code `before`; only those one user made when `by` is given. */
  async invites(limit: number, by?: number, before?: string): Promise<InviteRow[]> {
    type Row = [string, number | null, number, number | null, number | null, number, number | null];
    const rows = await this.db.rows<Row>(RECENT, [by ?? null, before ?? null, limit]);
    return rows.map(([code, createdBy, createdAt, expiresAt, maxUses, uses, revokedAt]) => ({ code, createdBy, createdAt, expiresAt, maxUses, uses, revokedAt }));
  }

  /** Revokes an invite; false when no invite has this code. */
  async revokeInvite(code: string, at: number): Promise<boolean> {
    return (await this.db.run(REVOKE, [code, at])) === 1;
  }

  /** The code of an unused invite made at first start, if there is one. */
  async unusedFirstInvite(): Promise<string | undefined> {
    return (await this.db.rows<[string]>(UNUSED_FIRST))[0]?.[0];
  }

  /** Gives a user a role (null: member) and appends `user_updated`; `missing` for no such user. */
  setRole(userId: number, role: Role | null, at: number): Promise<AccountChange> {
    return this.log.write(async (tx) => {
      const current = await userById(tx, userId);
      if (current === undefined) return 'missing';
      if (current[2] === role) return { user: toUser(current) };
      await tx.run(SET_ROLE, [userId, role]);
      return { user: toUser([current[0], current[1], role, current[3], current[4]]), change: await this.userUpdated(tx, userId, at) };
    });
  }

  /**
   * Deactivates a user or reactivates them, and appends `user_updated`; nothing when they already were. Deactivating
   * also signs every device out, stops Web Push and revokes the invites they made: nothing of the account keeps working. The ids of the sessions
   * deleted come back.
   */
  setDeactivated(userId: number, deactivated: boolean, at: number): Promise<AccountChange & { revoked?: number[] }> {
    return this.log.write(async (tx) => {
      const current = await userById(tx, userId);
      if (current === undefined) return 'missing';
      if ((current[3] !== null) === deactivated) return { user: toUser(current) };
      const deactivatedAt = deactivated ? at : null;
      await tx.run(SET_DEACTIVATED, [userId, deactivatedAt]);
      const revoked = deactivated ? await deleteAllSessions(tx, userId) : [];
      if (deactivated) await tx.run(DROP_PUSH, [userId]);
      // Links they handed out stop letting people in with them; reactivating does not bring them back.
      if (deactivated) await tx.run(REVOKE_BY, [userId, at]);
      return { user: toUser([current[0], current[1], current[2], deactivatedAt, current[4]]), change: await this.userUpdated(tx, userId, at), revoked };
    });
  }

  /** Gives a user another nickname and appends `user_updated`; another user holding the key refuses it, the user's own does not. */
  rename(r: Rename): Promise<RenameOutcome> {
    return this.log.write(async (tx): Promise<RenameOutcome> => {
      const current = await userById(tx, r.userId);
      if (current === undefined) return { ok: false, reason: 'missing' };
      if (current[1] === r.nickname) return { ok: true, user: toUser(current) };
      const holder = await holderOf(tx, r.nicknameKey);
      if (holder !== undefined && holder !== r.userId) return { ok: false, reason: 'nickname_taken' };
      await tx.run(RENAME, [r.userId, r.nickname, r.nicknameKey]);
      return { ok: true, user: toUser([current[0], r.nickname, current[2], current[3], current[4]]), change: await this.userUpdated(tx, r.userId, r.at) };
    });
  }

  /** Sets or clears (null) what a user says they are up to and appends `user_updated`, unless it is already that. */
  setStatus(userId: number, status: string | null, at: number): Promise<AccountChange> {
    return this.log.write(async (tx): Promise<AccountChange> => {
      const current = await userById(tx, userId);
      if (current === undefined) return 'missing';
      const user = toUser([current[0], current[1], current[2], current[3], status]);
      if (current[4] === status) return { user };
      await tx.run(SET_STATUS, [userId, status]);
      return { user, change: await this.userUpdated(tx, userId, at) };
    });
  }

  /**
   * Claims the invite, creates the user and puts them in the lobby, all or nothing, and appends `user_joined`: a
   * refused nickname leaves the invite unused, and of two people racing for one code one wins.
   */
  async redeem(r: Redeem): Promise<RedeemOutcome> {
    try {
      return await this.log.write(async (tx): Promise<RedeemOutcome> => {
        const status = await inviteStatus(tx, r.code, r.createdAt);
        if (status !== 'available') return { ok: false, reason: `invite_${status}` };
        if ((await holderOf(tx, r.nicknameKey)) !== undefined) return { ok: false, reason: 'nickname_taken' };
        const row = (await tx.rows<UserRow>(INSERT_USER, [r.nickname, r.nicknameKey, r.createdAt]))[0]!;
        if ((await tx.run(CLAIM, [r.code, row[0], r.createdAt])) !== 1) throw new InviteRaceLost();
        const sessionId = await createSession(tx, row[0], r, r.createdAt);
        await tx.run(JOIN_LOBBY, [r.lobbyId, row[0], r.createdAt]);
        const change = await this.log.append(tx, { kind: 'user_joined', conversationId: null, subjectId: row[0], createdAt: r.createdAt });
        return { ok: true, user: toUser(row), sessionId, change };
      });
    } catch (error) {
      if (error instanceof InviteRaceLost) return { ok: false, reason: 'invite_used' };
      throw error;
    }
  }

  private userUpdated(tx: Tx, userId: number, at: number) {
    return this.log.append(tx, { kind: 'user_updated', conversationId: null, subjectId: userId, createdAt: at });
  }
}

/** Thrown inside the transaction to roll back the user row when another process claimed the invite first. */
class InviteRaceLost extends Error {}

async function inviteStatus(on: Database | Tx, code: string, now: number): Promise<InviteStatus> {
  const [invite] = await on.rows<[uses: number, maxUses: number | null, expiresAt: number | null, revokedAt: number | null]>(INVITE, [code]);
  if (invite === undefined) return 'missing';
  const [uses, maxUses, expiresAt, revokedAt] = invite;
  if (revokedAt !== null) return 'revoked';
  if (expiresAt !== null && expiresAt <= now) return 'expired';
  if (maxUses !== null && uses >= maxUses) return 'used';
  return 'available';
}

export async function userById(tx: Tx, id: number): Promise<UserRow | undefined> {
  return (await tx.rows<UserRow>(USER, [id]))[0];
}

export async function holderOf(tx: Tx, key: string): Promise<number | undefined> {
  return (await tx.rows<[number]>(HOLDER, [key]))[0]?.[0];
}
