import { checkNickname, ErrorCode, isBlank, MAX_STATUS_LENGTH, nicknameKey, type User } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import type { ChangeRecord } from '../store/types.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { lookalikeRefusal } from './lookalikes.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

// A status is one line: line and paragraph breaks and other control characters would break the layout beside a name.
const LINE_BREAKS = /[\p{Cc}\u2028\u2029]/u;

/** A user after a rename or a new status: with the change to publish, or without when it was already this. */
export interface Renamed {
  user: User;
  change?: Change;
}

export class Users {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /** A new nickname, by the rules and uniqueness of joining. */
  async rename(actor: User, rawNickname: string): Promise<Result<Renamed>> {
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const lookalike = lookalikeRefusal(this.directory, checked.nickname, actor.id);
    if (lookalike !== undefined) return lookalike;
    const outcome = await this.store.accounts.rename({ userId: actor.id, nickname: checked.nickname, nicknameKey: nicknameKey(checked.nickname), at: nowSeconds() });
    if (!outcome.ok) {
      return outcome.reason === 'nickname_taken'
        ? refuse(ErrorCode.NicknameTaken, `The nickname "${checked.nickname}" is taken`)
        : refuse(ErrorCode.InvalidToken, 'This user no longer exists');
    }
    return ok(told(outcome));
  }

  /** What the user says they are up to, on one line; a blank one clears it. */
  async setStatus(actor: User, rawStatus: string): Promise<Result<Renamed>> {
    const status = rawStatus.normalize('NFC').trim();
    if ([...status].length > MAX_STATUS_LENGTH || LINE_BREAKS.test(status)) {
      return refuse(ErrorCode.InvalidStatus, `A status is one line of at most ${MAX_STATUS_LENGTH} characters`);
    }
    const outcome = await this.store.accounts.setStatus(actor.id, isBlank(status) ? null : status, nowSeconds());
    if (outcome === 'missing') return refuse(ErrorCode.InvalidToken, 'This user no longer exists');
    return ok(told(outcome));
  }
}

/** The user as everyone is to hear of them, when anything changed. */
function told({ user, change }: { user: User; change?: ChangeRecord }): Renamed {
  return change === undefined ? { user } : { user, change: stamped(change, 'user_updated', { user }) };
}
