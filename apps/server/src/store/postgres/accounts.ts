import type { Role } from '@hearth/protocol';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { AccountChange, InviteRow, InviteStatus, MemberRow, NewInvite, Redeem, RedeemOutcome, Rename, RenameOutcome } from '../store.js';
import type { ChangeLog } from './change-log.js';
import type { Conn } from './open.js';
import { conversationMembers, invites, pushSubscriptions, sessions, users } from './schema.js';
import { createSession, deleteSessions } from './sessions.js';
import { toUser, USER_COLUMNS } from './users.js';
import type { Tx } from './writer.js';

/** Users, their roles and invites in PostgreSQL. Methods that take a Tx run inside the writer's transaction. */
export class Accounts {
  constructor(private readonly log: ChangeLog) {}

  /** Re-keys nicknames, oldest users first, so an older holder keeps a key two names now share. */
  async rekeyNicknames(tx: Tx, keyOf: (nickname: string) => string): Promise<number> {
    const rows = await tx.db.select({ id: users.id, nickname: users.nickname, key: users.nicknameKey }).from(users).orderBy(asc(users.id));
    const taken = new Set(rows.map((row) => row.key));
    let changed = 0;
    for (const row of rows) {
      const key = keyOf(row.nickname);
      if (key === row.key || taken.has(key)) continue;
      await tx.db.update(users).set({ nicknameKey: key }).where(eq(users.id, row.id));
      taken.delete(row.key);
      taken.add(key);
      changed += 1;
    }
    return changed;
  }

  async createInvite(on: Conn, invite: NewInvite): Promise<void> {
    await on.db.insert(invites).values({ ...invite });
  }

  async inviteStatus(on: Conn, code: string, now: number): Promise<InviteStatus> {
    const [invite] = await on.db
      .select({ uses: invites.uses, maxUses: invites.maxUses, expiresAt: invites.expiresAt, revokedAt: invites.revokedAt })
      .from(invites)
      .where(eq(invites.code, code));
    if (invite === undefined) return 'missing';
    if (invite.revokedAt !== null) return 'revoked';
    if (invite.expiresAt !== null && invite.expiresAt <= now) return 'expired';
    if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used';
    return 'available';
  }

  async invites(on: Conn, limit: number): Promise<InviteRow[]> {
    const rows = await on.db.select().from(invites).orderBy(desc(invites.id)).limit(limit);
    return rows.map(({ code, createdBy, createdAt, expiresAt, maxUses, uses, revokedAt }) => ({ code, createdBy, createdAt, expiresAt, maxUses, uses, revokedAt }));
  }

  async revokeInvite(on: Conn, code: string, at: number): Promise<boolean> {
    const revoked = await on.db
      .update(invites)
      .set({ revokedAt: sql`coalesce(${invites.revokedAt}, ${at})` })
      .where(eq(invites.code, code));
    return revoked.rowCount === 1;
  }

  async unusedFirstInvite(on: Conn): Promise<string | undefined> {
    const [row] = await on.db
      .select({ code: invites.code })
      .from(invites)
      .where(and(isNull(invites.createdBy), isNull(invites.usedBy), isNull(invites.revokedAt)))
      .limit(1);
    return row?.code;
  }

  async members(on: Conn): Promise<MemberRow[]> {
    const rows = await on.db
      .select({
        ...USER_COLUMNS,
        joinedAt: users.createdAt,
        lastActiveAt: sql<number | null>`max(${sessions.lastUsedAt})`.mapWith(Number),
        sessions: sql<number>`count(${sessions.id})`.mapWith(Number),
      })
      .from(users)
      .leftJoin(sessions, eq(sessions.userId, users.id))
      .groupBy(users.id)
      .orderBy(asc(users.id));
    return rows.map((row) => ({ user: toUser(row), joinedAt: row.joinedAt, lastActiveAt: row.lastActiveAt, sessions: row.sessions }));
  }

  async setRole(tx: Tx, userId: number, role: Role | null, at: number): Promise<AccountChange> {
    const current = await this.byId(tx, userId);
    if (current === undefined) return 'missing';
    if (current.role === role) return { user: toUser(current) };
    await tx.db.update(users).set({ role }).where(eq(users.id, userId));
    return { user: toUser({ ...current, role }), change: await this.log.append(tx, 'user_updated', null, userId, at) };
  }

  /** Deactivating also signs every device out and stops Web Push: nothing of the account keeps working. */
  async setDeactivated(tx: Tx, userId: number, deactivated: boolean, at: number): Promise<AccountChange & { revoked?: number[] }> {
    const current = await this.byId(tx, userId);
    if (current === undefined) return 'missing';
    if ((current.deactivatedAt !== null) === deactivated) return { user: toUser(current) };
    const deactivatedAt = deactivated ? at : null;
    await tx.db.update(users).set({ deactivatedAt }).where(eq(users.id, userId));
    const revoked = deactivated ? await deleteSessions(tx, userId, 'all') : [];
    if (deactivated) await tx.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
    return { user: toUser({ ...current, deactivatedAt }), change: await this.log.append(tx, 'user_updated', null, userId, at), revoked };
  }

  /** Another user holding the key refuses it; the user's own key (a change of case) does not. */
  async rename(tx: Tx, r: Rename): Promise<RenameOutcome> {
    const current = await this.byId(tx, r.userId);
    if (current === undefined) return { ok: false, reason: 'missing' };
    if (current.nickname === r.nickname) return { ok: true, user: toUser(current) };
    const holder = await this.holderOf(tx, r.nicknameKey);
    if (holder !== undefined && holder !== r.userId) return { ok: false, reason: 'nickname_taken' };
    await tx.db.update(users).set({ nickname: r.nickname, nicknameKey: r.nicknameKey }).where(eq(users.id, r.userId));
    return { ok: true, user: toUser({ ...current, nickname: r.nickname }), change: await this.log.append(tx, 'user_updated', null, r.userId, r.at) };
  }

  /**
   * All or nothing: a refused nickname leaves the invite unused, and of two people racing for one code one wins
   * (InviteRaceLost rolls the transaction back; the caller answers invite_used).
   */
  async redeem(tx: Tx, r: Redeem): Promise<RedeemOutcome> {
    const status = await this.inviteStatus(tx, r.code, r.createdAt);
    if (status !== 'available') return { ok: false, reason: `invite_${status}` };
    if ((await this.holderOf(tx, r.nicknameKey)) !== undefined) return { ok: false, reason: 'nickname_taken' };
    const [row] = await tx.db
      .insert(users)
      // The first to join owns the server.
      .values({ nickname: r.nickname, nicknameKey: r.nicknameKey, createdAt: r.createdAt, role: sql`CASE WHEN EXISTS (SELECT 1 FROM users) THEN NULL ELSE 'owner' END` })
      .returning(USER_COLUMNS);
    // The guard makes redeeming atomic even against another process: the last use is taken once.
    const claimed = await tx.db
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1`, usedBy: row!.id, usedAt: r.createdAt })
      .where(
        and(
          eq(invites.code, r.code),
          isNull(invites.revokedAt),
          sql`(${invites.maxUses} IS NULL OR ${invites.uses} < ${invites.maxUses})`,
          sql`(${invites.expiresAt} IS NULL OR ${invites.expiresAt} > ${r.createdAt})`,
        ),
      );
    if (claimed.rowCount !== 1) throw new InviteRaceLost();
    const sessionId = await createSession(tx, row!.id, r, r.createdAt);
    // A newcomer has read what came before them: the lobby's history is there to browse, not unread.
    await tx.db.insert(conversationMembers).values({
      conversationId: r.lobbyId,
      userId: row!.id,
      joinedAt: r.createdAt,
      lastReadId: sql`(SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = ${r.lobbyId})`,
    });
    return { ok: true, user: toUser(row!), sessionId, change: await this.log.append(tx, 'user_joined', null, row!.id, r.createdAt) };
  }

  private async byId(on: Conn, id: number) {
    const [row] = await on.db.select(USER_COLUMNS).from(users).where(eq(users.id, id));
    return row;
  }

  private async holderOf(on: Conn, key: string): Promise<number | undefined> {
    const [row] = await on.db.select({ id: users.id }).from(users).where(eq(users.nicknameKey, key));
    return row?.id;
  }
}

/** Thrown inside the transaction to roll back the user row when another process claimed the invite first. */
export class InviteRaceLost extends Error {}
