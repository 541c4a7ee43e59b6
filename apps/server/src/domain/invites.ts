import { checkNickname, ErrorCode, nicknameKey, type User } from '@hearth/protocol';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepareInsertMember } from '../db/members.js';
import type { Db } from '../db/open.js';
import { invites, users } from '../db/schema.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { hashToken, newInviteCode, newToken, nowSeconds } from './tokens.js';

export type InviteStatus = 'available' | 'used' | 'missing';

export class Invites {
  private readonly byCode;
  private readonly insert;
  private readonly claim;
  private readonly nicknameTaken;
  private readonly insertUser;
  private readonly joinLobby;
  private readonly unusedSeed;

  constructor(
    private readonly db: Db,
    private readonly directory: Directory,
  ) {
    const code = sql.placeholder('code');
    this.byCode = db.select().from(invites).where(eq(invites.code, code)).prepare();
    this.unusedSeed = db
      .select({ code: invites.code })
      .from(invites)
      .where(and(isNull(invites.createdBy), isNull(invites.usedBy)))
      .limit(1)
      .prepare();
    this.insert = db
      .insert(invites)
      .values({ code, createdBy: sql.placeholder('createdBy'), createdAt: sql.placeholder('now') })
      .prepare();
    // The `used_by IS NULL` guard makes redeeming atomic even against another process sharing the file.
    this.claim = db
      .update(invites)
      .set({ usedBy: sql`${sql.placeholder('userId')}`, usedAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(invites.code, code), isNull(invites.usedBy)))
      .prepare();
    this.nicknameTaken = db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.nicknameKey, sql.placeholder('key')))
      .prepare();
    this.insertUser = db
      .insert(users)
      .values({
        nickname: sql.placeholder('nickname'),
        nicknameKey: sql.placeholder('key'),
        token: sql.placeholder('token'),
        createdAt: sql.placeholder('now'),
      })
      .returning({ id: users.id, nickname: users.nickname })
      .prepare();
    this.joinLobby = prepareInsertMember(db);
  }

  /** Makes a new single-use invite; `createdBy` is null for the one made at first start. */
  create(createdBy: number | null): string {
    const code = newInviteCode();
    this.insert.run({ code, createdBy, now: nowSeconds() });
    return code;
  }

  /** The unused invite made at first start, made now if there is none: printed until somebody joins. */
  firstInvite(): string {
    return this.unusedSeed.get()?.code ?? this.create(null);
  }

  status(code: string): InviteStatus {
    const invite = this.byCode.get({ code });
    if (invite === undefined) return 'missing';
    return invite.usedBy === null ? 'available' : 'used';
  }

  /**
   * Turns an invite and a nickname into a user in the lobby. All or nothing: a refused nickname leaves the
   * invite unused, and of two people racing for one code exactly one wins.
   */
  redeem(code: string, rawNickname: string): Result<{ user: User; token: string }> {
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const nickname = checked.nickname;
    const key = nicknameKey(nickname);
    const token = newToken();
    const result = this.db.$client.transaction((): Result<{ user: User; token: string }> => {
      const status = this.status(code);
      if (status === 'missing') return refuse(ErrorCode.InviteNotFound, 'This invite does not exist');
      if (status === 'used') return refuse(ErrorCode.InviteUsed, 'This invite has already been used');
      if (this.nicknameTaken.get({ key }) !== undefined) {
        return refuse(ErrorCode.NicknameTaken, `The nickname "${nickname}" is taken`);
      }
      const now = nowSeconds();
      const user = this.insertUser.get({ nickname, key, token: hashToken(token), now })!;
      if (this.claim.run({ code, userId: user.id, now }).changes !== 1) {
        throw new InviteRaceLost();
      }
      this.joinLobby.run({ conversationId: this.directory.lobbyId, userId: user.id, now });
      return ok({ user, token });
    });
    try {
      const outcome = result.immediate();
      if (outcome.ok) {
        this.directory.addUser(outcome.value.user);
        this.directory.addMember(this.directory.lobbyId, outcome.value.user.id);
      }
      return outcome;
    } catch (error) {
      if (error instanceof InviteRaceLost) return refuse(ErrorCode.InviteUsed, 'This invite has already been used');
      throw error;
    }
  }
}

/** Thrown inside the transaction to roll back the user row when another process claimed the invite first. */
class InviteRaceLost extends Error {}
