import { ErrorCode, isAdmin, mayManage, type Member, type User } from '@hearth/protocol';
import type { AccountChange, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

/** An account after an admin's act: with the change to publish, and the sessions it revoked. */
export interface AccountChanged {
  user: User;
  change?: Change;
  revoked: number[];
}

const notAdmin = (): Result<never> => refuse(ErrorCode.Forbidden, 'Only admins may do this');

/** What admins and the owner do to accounts: list them, give roles, deactivate and reactivate. */
export class Admin {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /** Everyone, with their last activity; `online` is told by the caller, who knows the connections. */
  async members(actor: User, isOnline: (userId: number) => boolean): Promise<Result<Member[]>> {
    if (!isAdmin(actor)) return notAdmin();
    const rows = await this.store.accounts.members();
    return ok(
      rows.map((row) => {
        const member: Member = { user: row.user, joined_at: row.joinedAt, online: isOnline(row.user.id), sessions: row.sessions };
        if (row.lastActiveAt !== null) member.last_active_at = row.lastActiveAt;
        return member;
      }),
    );
  }

  /** The owner makes admins, and members of admins; nobody changes their own role. */
  async setRole(actor: User, userId: number, role: 'admin' | 'member'): Promise<Result<AccountChanged>> {
    if (actor.role !== 'owner') return refuse(ErrorCode.Forbidden, 'Only the owner may change roles');
    const target = this.directory.users.get(userId);
    if (target === undefined) return refuse(ErrorCode.UserNotFound, `No user has id ${userId}`);
    if (target.id === actor.id) return refuse(ErrorCode.Forbidden, 'The owner stays the owner; make another owner with `npm run admin -- make-owner`');
    if (target.role === 'bot') return refuse(ErrorCode.NotABot, 'A bot stays a bot');
    return this.changed(await this.store.accounts.setRole(userId, role === 'admin' ? 'admin' : null, nowSeconds()));
  }

  async deactivate(actor: User, userId: number): Promise<Result<AccountChanged>> {
    return this.setDeactivated(actor, userId, true);
  }

  async reactivate(actor: User, userId: number): Promise<Result<AccountChanged>> {
    return this.setDeactivated(actor, userId, false);
  }

  private async setDeactivated(actor: User, userId: number, deactivated: boolean): Promise<Result<AccountChanged>> {
    if (!isAdmin(actor)) return notAdmin();
    const target = this.directory.users.get(userId);
    if (target === undefined) return refuse(ErrorCode.UserNotFound, `No user has id ${userId}`);
    if (!mayManage(actor, target)) return refuse(ErrorCode.Forbidden, 'Admins manage members; only the owner manages admins');
    return this.changed(await this.store.accounts.setDeactivated(userId, deactivated, nowSeconds()));
  }

  private changed(outcome: AccountChange & { revoked?: number[] }): Result<AccountChanged> {
    if (outcome === 'missing') return refuse(ErrorCode.UserNotFound, 'This user no longer exists');
    const { user, change, revoked = [] } = outcome;
    return ok(change === undefined ? { user, revoked } : { user, change: stamped(change, 'user_updated', { user }), revoked });
  }
}

