import type { User } from '@hearth/protocol';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { conversationMembers, invites, users } from './schema.js';
import type { ChangeLog } from './change-log.js';
import type { InviteStatus, Redeem, RedeemOutcome, Rename, RenameOutcome } from '../store.js';

/** Users and invites in SQLite. */
export class Accounts {
  private readonly byToken;
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

  constructor(
    db: Db,
    private readonly log: ChangeLog,
  ) {
    const p = sql.placeholder;
    this.byToken = db.select({ id: users.id, nickname: users.nickname }).from(users).where(eq(users.token, p('hash'))).prepare();
    this.byCode = db.select({ usedBy: invites.usedBy }).from(invites).where(eq(invites.code, p('code'))).prepare();
    this.unusedSeed = db
      .select({ code: invites.code })
      .from(invites)
      .where(and(isNull(invites.createdBy), isNull(invites.usedBy)))
      .limit(1)
      .prepare();
    this.insertInvite = db
      .insert(invites)
      .values({ code: p('code'), createdBy: p('createdBy'), createdAt: p('createdAt') })
      .prepare();
    // The `used_by IS NULL` guard makes redeeming atomic even against another process sharing the file.
    this.claim = db
      .update(invites)
      .set({ usedBy: sql`${p('userId')}`, usedAt: sql`${p('createdAt')}` })
      .where(and(eq(invites.code, p('code')), isNull(invites.usedBy)))
      .prepare();
    this.nicknameTaken = db.select({ id: users.id }).from(users).where(eq(users.nicknameKey, p('key'))).prepare();
    this.insertUser = db
      .insert(users)
      .values({ nickname: p('nickname'), nicknameKey: p('key'), token: p('token'), createdAt: p('createdAt') })
      .returning({ id: users.id, nickname: users.nickname })
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
    this.byId = db.select({ id: users.id, nickname: users.nickname }).from(users).where(eq(users.id, p('id'))).prepare();
    this.rename_ = db
      .update(users)
      .set({ nickname: sql`${p('nickname')}`, nicknameKey: sql`${p('key')}` })
      .where(eq(users.id, p('id')))
      .prepare();
    this.renameInOneTransaction = db.$client.transaction((r: Rename) => this.renameNow(r));
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

  userByTokenHash(hash: string): User | undefined {
    return this.byToken.get({ hash });
  }

  createInvite(code: string, createdBy: number | null, createdAt: number): void {
    this.insertInvite.run({ code, createdBy, createdAt });
  }

  inviteStatus(code: string): InviteStatus {
    const invite = this.byCode.get({ code });
    if (invite === undefined) return 'missing';
    return invite.usedBy === null ? 'available' : 'used';
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
    if (current.nickname === r.nickname) return { ok: true, user: current };
    const holder = this.nicknameTaken.get({ key: r.nicknameKey });
    if (holder !== undefined && holder.id !== r.userId) return { ok: false, reason: 'nickname_taken' };
    this.rename_.run({ id: r.userId, nickname: r.nickname, key: r.nicknameKey });
    return { ok: true, user: { id: r.userId, nickname: r.nickname }, change: this.log.append('user_updated', null, r.userId, r.at) };
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
    const status = this.inviteStatus(r.code);
    if (status === 'missing') return { ok: false, reason: 'invite_missing' };
    if (status === 'used') return { ok: false, reason: 'invite_used' };
    if (this.nicknameTaken.get({ key: r.nicknameKey }) !== undefined) return { ok: false, reason: 'nickname_taken' };
    const user = this.insertUser.get({ nickname: r.nickname, key: r.nicknameKey, token: r.tokenHash, createdAt: r.createdAt })!;
    if (this.claim.run({ code: r.code, userId: user.id, createdAt: r.createdAt }).changes !== 1) throw new InviteRaceLost();
    this.joinLobby.run({ lobbyId: r.lobbyId, userId: user.id, createdAt: r.createdAt });
    return { ok: true, user, change: this.log.append('user_joined', null, user.id, r.createdAt) };
  }
}

/** Thrown inside the transaction to roll back the user row when another process claimed the invite first. */
class InviteRaceLost extends Error {}
