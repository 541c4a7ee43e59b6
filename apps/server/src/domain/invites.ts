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

const REFUSALS = {
  invite_missing: [ErrorCode.InviteNotFound, 'This invite does not exist'],
  invite_used: [ErrorCode.InviteUsed, 'This invite has already been used'],
  nickname_taken: [ErrorCode.NicknameTaken, 'The nickname is taken'],
} as const;

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
    if (!outcome.ok) {
      const [refusal, message] = REFUSALS[outcome.reason];
      return refuse(refusal, outcome.reason === 'nickname_taken' ? `The nickname "${checked.nickname}" is taken` : message);
    }
    return ok({ user: outcome.user, token, change: stamped(outcome.change, 'user_joined', { user: outcome.user }) });
  }
}
