import { checkNickname, ErrorCode, nicknameKey, type User } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

/** A user after a rename: with the change to publish, or without when the nickname was already this. */
export interface Renamed {
  user: User;
  change?: Change;
}

export class Users {
  constructor(private readonly store: Store) {}

  /** A new nickname, by the rules and uniqueness of joining. */
  async rename(actor: User, rawNickname: string): Promise<Result<Renamed>> {
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const outcome = await this.store.accounts.rename({ userId: actor.id, nickname: checked.nickname, nicknameKey: nicknameKey(checked.nickname), at: nowSeconds() });
    if (!outcome.ok) {
      return outcome.reason === 'nickname_taken'
        ? refuse(ErrorCode.NicknameTaken, `The nickname "${checked.nickname}" is taken`)
        : refuse(ErrorCode.InvalidToken, 'This user no longer exists');
    }
    const { user, change } = outcome;
    return ok(change === undefined ? { user } : { user, change: stamped(change, 'user_updated', { user }) });
  }
}
