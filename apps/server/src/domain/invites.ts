import { checkNickname, ErrorCode, nicknameKey, type User } from '@hearth/protocol';
import type { InviteStatus, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { hashToken, newInviteCode, newToken, nowSeconds } from './tokens.js';

export interface Joined {
  user: User;
  token: string;
  change: Change;
}

/** Why the store refused a redemption, told to people. */
function refusalOf(reason: 'invite_missing' | 'invite_used' | 'nickname_taken', nickname: string): Result<never> {
  if (reason === 'invite_missing') return refuse(ErrorCode.InviteNotFound, 'This invite does not exist');
  if (reason === 'invite_used') return refuse(ErrorCode.InviteUsed, 'This invite has already been used');
  return refuse(ErrorCode.NicknameTaken, `The nickname "${nickname}" is taken`);
}

export class Invites {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /** Makes a single-use invite and returns its code. `createdBy` is null for the one made at first start. */
  async create(createdBy: number | null): Promise<string> {
    const code = newInviteCode();
    await this.store.createInvite(code, createdBy, nowSeconds());
    return code;
  }

  /** The unused invite made at first start, made now if there is none: printed until somebody joins. */
  async firstInvite(): Promise<string> {
    return (await this.store.unusedFirstInvite()) ?? this.create(null);
  }

  status(code: string): Promise<InviteStatus> {
    return this.store.inviteStatus(code);
  }

  /** Turns an invite and a nickname into a user in the lobby; a refused nickname leaves the invite unused. */
  async redeem(code: string, rawNickname: string): Promise<Result<Joined>> {
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const token = newToken();
    const outcome = await this.store.redeemInvite({
      code,
      nickname: checked.nickname,
      nicknameKey: nicknameKey(checked.nickname),
      tokenHash: hashToken(token),
      lobbyId: this.directory.lobbyId,
      createdAt: nowSeconds(),
    });
    if (!outcome.ok) return refusalOf(outcome.reason, checked.nickname);
    return ok({ user: outcome.user, token, change: stamped(outcome.change, 'user_joined', { user: outcome.user }) });
  }
}
