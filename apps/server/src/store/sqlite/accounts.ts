import type { Role } from '@hearth/protocol';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { conversationMembers, invites, pushSubscriptions, sessions, users } from './schema.js';
import type { ChangeLog } from './change-log.js';
import type { AccountChange, InviteRow, InviteStatus, MemberRow, NewInvite, Redeem, RedeemOutcome, Rename, RenameOutcome } from '../store.js';
import type { SessionRows } from './sessions.js';
import { toUser, USER_COLUMNS } from './users.js';

/** Users, their roles and invites in SQLite. */
export class Accounts {
  private readonly byCode;
  private readonly insertInvite;
  private readonly claim;
  private readonly nicknameTaken;
  private readonly insertUser;
  private readonly joinLobby;
  private readonly unusedSeed;
  private readonly redeemInOneTransaction;
  private readonly allKeys;
  private readonly setKey;
  private readonly rekeyInOneTransaction;
  private readonly byId;
  private readonly rename_;
  private readonly renameInOneTransaction;

  private readonly setRole_;
  private readonly setDeactivated_;
  private readonly dropPush;
  private readonly accountInOneTransaction;
  private readonly recent;
  private readonly revoke;
  private readonly everyone;

  constructor(
    private readonly db: Db,
    private readonly log: ChangeLog,
    private readonly sessionRows: SessionRows,
  ) {
    const p = sql.placeholder;
    this.byCode = db
      .select({ uses: invites.uses, maxUses: invites.maxUses, expiresAt: invites.expiresAt, revokedAt: invites.revokedAt })
      .from(invites)
      .where(eq(invites.code, p('code')))
      .prepare();
    this.unusedSeed = db
      .select({ code: invites.code })
      .from(invites)
      .where(and(isNull(invites.createdBy), isNull(invites.usedBy), isNull(invites.revokedAt)))
      .limit(1)
      .prepare();
    this.insertInvite = db
      .insert(invites)
      .values({ code: p('code'), createdBy: p('createdBy'), createdAt: p('createdAt'), expiresAt: p('expiresAt'), maxUses: p('maxUses') })
      .prepare();
    // The guard makes redeeming atomic even against another process sharing the file: the last use is taken once.
    this.claim = db
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1`, usedBy: sql`${p('userId')}`, usedAt: sql`${p('createdAt')}` })
      .where(
        and(
          eq(invites.code, p('code')),
          isNull(invites.revokedAt),
          sql`(${invites.maxUses} IS NULL OR ${invites.uses} < ${invites.maxUses})`,
          sql`(${invites.expiresAt} IS NULL OR ${invites.expiresAt} > ${p('createdAt')})`,
        ),
      )
      .prepare();
    this.nicknameTaken = db.select({ id: users.id }).from(users).where(eq(users.nicknameKey, p('key'))).prepare();
    this.insertUser = db
      .insert(users)
      // The first to join owns the server.
      .values({ nickname: p('nickname'), nicknameKey: p('key'), createdAt: p('createdAt'), role: sql`CASE WHEN EXISTS (SELECT 1 FROM users) THEN NULL ELSE 'owner' END` })
      .returning(USER_COLUMNS)
      .prepare();
    this.joinLobby = db
      .insert(conversationMembers)
      // A newcomer has read what came before them: the lobby's history is there to browse, not unread.
      .values({
        conversationId: p('lobbyId'),
        userId: p('userId'),
        joinedAt: p('createdAt'),
        lastReadId: sql`(SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = ${p('lobbyId')})`,
      })
      .prepare();
    this.redeemInOneTransaction = db.$client.transaction((r: Redeem) => this.redeemNow(r));
    this.allKeys = db.select({ id: users.id, nickname: users.nickname, key: users.nicknameKey }).from(users).orderBy(asc(users.id)).prepare();
    this.setKey = db.update(users).set({ nicknameKey: sql`${p('key')}` }).where(eq(users.id, p('id'))).prepare();
    this.rekeyInOneTransaction = db.$client.transaction((keyOf: (nickname: string) => string) => this.rekeyNow(keyOf));
    this.byId = db.select(USER_COLUMNS).from(users).where(eq(users.id, p('id'))).prepare();
    this.rename_ = db
      .update(users)
      .set({ nickname: sql`${p('nickname')}`, nicknameKey: sql`${p('key')}` })
      .where(eq(users.id, p('id')))
      .prepare();
    this.renameInOneTransaction = db.$client.transaction((r: Rename) => this.renameNow(r));
    this.setRole_ = db.update(users).set({ role: sql`${p('role')}` }).where(eq(users.id, p('id'))).prepare();
    this.setDeactivated_ = db.update(users).set({ deactivatedAt: sql`${p('at')}` }).where(eq(users.id, p('id'))).prepare();
    this.dropPush = db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, p('id'))).prepare();
    this.accountInOneTransaction = db.$client.transaction((act: () => AccountChange & { revoked?: number[] }) => act());
    this.recent = db.select().from(invites).orderBy(desc(invites.id)).limit(p('limit')).prepare();
    this.revoke = db
      .update(invites)
      .set({ revokedAt: sql`coalesce(${invites.revokedAt}, ${p('at')})` })
      .where(eq(invites.code, p('code')))
      .prepare();
    this.everyone = db
      .select({ ...USER_COLUMNS, joinedAt: users.createdAt, lastActiveAt: sql<number | null>`max(${sessions.lastUsedAt})`, sessions: sql<number>`count(${sessions.id})` })
      .from(users)
      .leftJoin(sessions, eq(sessions.userId, users.id))
      .groupBy(users.id)
      .orderBy(asc(users.id))
      .prepare();
  }

  /** Re-keys nicknames in one transaction, oldest users first, so an older holder keeps a key two names now share. */
  rekeyNicknames(keyOf: (nickname: string) => string): number {
    return this.rekeyInOneTransaction(keyOf);
  }

  private rekeyNow(keyOf: (nickname: string) => string): number {
    const rows = this.allKeys.all();
    const taken = new Set(rows.map((row) => row.key));
    let changed = 0;
    for (const row of rows) {
      const key = keyOf(row.nickname);
      if (key === row.key || taken.has(key)) continue;
      this.setKey.run({ id: row.id, key });
      taken.delete(row.key);
      taken.add(key);
      changed += 1;
    }
    return changed;
  }

  createInvite(invite: NewInvite): void {
    this.insertInvite.run({ ...invite });
  }

  inviteStatus(code: string, now: number): InviteStatus {
    const invite = this.byCode.get({ code });
    if (invite === undefined) return 'missing';
    if (invite.revokedAt !== null) return 'revoked';
    if (invite.expiresAt !== null && invite.expiresAt <= now) return 'expired';
    if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used';
    return 'available';
  }

  invites(limit: number): InviteRow[] {
    return this.recent.all({ limit }).map((row) => ({
      code: row.code,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      maxUses: row.maxUses,
      uses: row.uses,
      revokedAt: row.revokedAt,
    }));
  }

  revokeInvite(code: string, at: number): boolean {
    return this.revoke.run({ code, at }).changes === 1;
  }

  members(): MemberRow[] {
    return this.everyone.all().map((row) => ({ user: toUser(row), joinedAt: row.joinedAt, lastActiveAt: row.lastActiveAt, sessions: row.sessions }));
  }

  setRole(userId: number, role: Role | null, at: number): AccountChange {
    return this.accountInOneTransaction.immediate(() => {
      const current = this.byId.get({ id: userId });
      if (current === undefined) return 'missing';
      if (current.role === role) return { user: toUser(current) };
      this.setRole_.run({ id: userId, role });
      return { user: toUser({ ...current, role }), change: this.log.append('user_updated', null, userId, at) };
    });
  }

  /** Deactivating also signs every device out and stops Web Push: nothing of the account keeps working. */
  setDeactivated(userId: number, deactivated: boolean, at: number): AccountChange & { revoked?: number[] } {
    return this.accountInOneTransaction.immediate(() => {
      const current = this.byId.get({ id: userId });
      if (current === undefined) return 'missing';
      if ((current.deactivatedAt !== null) === deactivated) return { user: toUser(current) };
      const deactivatedAt = deactivated ? at : null;
      this.setDeactivated_.run({ id: userId, at: deactivatedAt });
      const revoked = deactivated ? this.sessionRows.deleteAll(userId) : [];
      if (deactivated) this.dropPush.run({ id: userId });
      return { user: toUser({ ...current, deactivatedAt }), change: this.log.append('user_updated', null, userId, at), revoked };
    });
  }

  unusedFirstInvite(): string | undefined {
    return this.unusedSeed.get()?.code;
  }

  /** Another user holding the key refuses it; the user's own key (a change of case) does not. */
  rename(rename: Rename): RenameOutcome {
    return this.renameInOneTransaction.immediate(rename);
  }

  private renameNow(r: Rename): RenameOutcome {
    const current = this.byId.get({ id: r.userId });
    if (current === undefined) return { ok: false, reason: 'missing' };
    if (current.nickname === r.nickname) return { ok: true, user: toUser(current) };
    const holder = this.nicknameTaken.get({ key: r.nicknameKey });
    if (holder !== undefined && holder.id !== r.userId) return { ok: false, reason: 'nickname_taken' };
    this.rename_.run({ id: r.userId, nickname: r.nickname, key: r.nicknameKey });
    return { ok: true, user: toUser({ ...current, nickname: r.nickname }), change: this.log.append('user_updated', null, r.userId, r.at) };
  }

  /** All or nothing: a refused nickname leaves the invite unused, and of two people racing for one code one wins. */
  redeem(redeem: Redeem): RedeemOutcome {
    try {
      return this.redeemInOneTransaction.immediate(redeem);
    } catch (error) {
      if (error instanceof InviteRaceLost) return { ok: false, reason: 'invite_used' };
      throw error;
    }
  }

  private redeemNow(r: Redeem): RedeemOutcome {
    const status = this.inviteStatus(r.code, r.createdAt);
    if (status !== 'available') return { ok: false, reason: `invite_${status}` };
    if (this.nicknameTaken.get({ key: r.nicknameKey }) !== undefined) return { ok: false, reason: 'nickname_taken' };
    const row = this.insertUser.get({ nickname: r.nickname, key: r.nicknameKey, createdAt: r.createdAt })!;
    if (this.claim.run({ code: r.code, userId: row.id, createdAt: r.createdAt }).changes !== 1) throw new InviteRaceLost();
    const sessionId = this.sessionRows.create(row.id, r, r.createdAt);
    this.joinLobby.run({ lobbyId: r.lobbyId, userId: row.id, createdAt: r.createdAt });
    return { ok: true, user: toUser(row), sessionId, change: this.log.append('user_joined', null, row.id, r.createdAt) };
  }
}

/** Thrown inside the transaction to roll back the user row when another process claimed the invite first. */
class InviteRaceLost extends Error {}
