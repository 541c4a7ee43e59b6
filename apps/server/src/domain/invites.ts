import {
  checkNickname,
  ErrorCode,
  INVITE_TTL_DEFAULT_S,
  INVITES_PAGE_DEFAULT,
  isAdmin,
  nicknameKey,
  type ClientPayload,
  type InvitePolicy,
  type User,
} from '@hearth/protocol';
import type { InviteRow, InviteStatus, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { lookalikeRefusal } from './lookalikes.js';
import { ok, refuse, type Result } from './result.js';
import { hashToken, newInviteCode, newToken, nowSeconds } from './tokens.js';

export interface Joined {
  user: User;
  token: string;
  sessionId: number;
  change: Change;
}

const POLICY_SETTING = 'invite_policy';

/** Why an invite cannot be redeemed, told to people; undefined when it can. */
export function inviteRefusal(status: InviteStatus): Result<never> | undefined {
  switch (status) {
    case 'available':
      return undefined;
    case 'missing':
      return refuse(ErrorCode.InviteNotFound, 'This invite does not exist');
    case 'used':
      return refuse(ErrorCode.InviteUsed, 'This invite has already been used');
    case 'expired':
      return refuse(ErrorCode.InviteExpired, 'This invite has expired');
    case 'revoked':
      return refuse(ErrorCode.InviteRevoked, 'This invite was revoked');
  }
}

/** A page of invites, newest first, and whether older ones remain. */
export interface InvitePage {
  rows: InviteRow[];
  hasMore: boolean;
}

export class Invites {
  /** Who may invite, read once at start and kept here; only this server changes it. */
  private currentPolicy: InvitePolicy = 'everyone';

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  async load(): Promise<void> {
    this.currentPolicy = (await this.store.push.setting(POLICY_SETTING, () => 'everyone')) as InvitePolicy;
  }

  get policy(): InvitePolicy {
    return this.currentPolicy;
  }

  /** Makes an invite for the actor, as the policy allows: by default single-use, for INVITE_TTL_DEFAULT_S. */
  async createFor(actor: User, options: ClientPayload<'create_invite'>): Promise<Result<InviteRow>> {
    if (this.currentPolicy === 'admins' && !isAdmin(actor)) return refuse(ErrorCode.Forbidden, 'Only admins may invite people here');
    return ok(await this.create(actor.id, options.expires_in ?? INVITE_TTL_DEFAULT_S, options.max_uses ?? 1));
  }

  /** Makes an invite. `createdBy` is null for the operator's: the one made at first start, or by the invite command. */
  async create(createdBy: number | null, expiresIn: number | null, maxUses: number | null): Promise<InviteRow> {
    const createdAt = nowSeconds();
    const invite = { code: newInviteCode(), createdBy, createdAt, expiresAt: expiresIn === null ? null : createdAt + expiresIn, maxUses };
    await this.store.accounts.createInvite(invite);
    return { ...invite, uses: 0, revokedAt: null };
  }

  /** The unused invite made at first start, made now if there is none: printed until somebody joins. */
  async firstInvite(): Promise<string> {
    return (await this.store.accounts.unusedFirstInvite()) ?? (await this.create(null, null, 1)).code;
  }

  status(code: string): Promise<InviteStatus> {
    return this.store.accounts.inviteStatus(code, nowSeconds());
  }

  /**
   * Admins see every invite; anyone else the ones they made, so a link handed out can be found and sent again instead
   * of a new one made. Who made an invite and who used it stays the admins' to see.
   */
  async list(actor: User, page: ClientPayload<'list_invites'> = {}): Promise<Result<InvitePage>> {
    const limit = page.limit ?? INVITES_PAGE_DEFAULT;
    // One more than asked tells whether older invites remain.
    const rows = await this.store.accounts.invites(limit + 1, isAdmin(actor) ? undefined : actor.id, page.before);
    return ok({ rows: rows.slice(0, limit), hasMore: rows.length > limit });
  }

  async revoke(actor: User, code: string): Promise<Result<InvitePage>> {
    if (!isAdmin(actor)) return refuse(ErrorCode.Forbidden, 'Only admins may revoke invites');
    if (!(await this.store.accounts.revokeInvite(code, nowSeconds()))) return refuse(ErrorCode.InviteNotFound, 'This invite does not exist');
    return this.list(actor);
  }

  async setPolicy(actor: User, policy: InvitePolicy): Promise<Result<InvitePage>> {
    if (!isAdmin(actor)) return refuse(ErrorCode.Forbidden, 'Only admins may choose who invites');
    await this.store.push.putSetting(POLICY_SETTING, policy);
    this.currentPolicy = policy;
    return this.list(actor);
  }

  /** Turns an invite and a nickname into a user in the lobby, signed in on this device; a refusal leaves the invite as it was. */
  async redeem(code: string, rawNickname: string, label: string): Promise<Result<Joined>> {
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const lookalike = lookalikeRefusal(this.directory, checked.nickname);
    if (lookalike !== undefined) return lookalike;
    const token = newToken();
    const outcome = await this.store.accounts.redeem({
      code,
      nickname: checked.nickname,
      nicknameKey: nicknameKey(checked.nickname),
      tokenHash: hashToken(token),
      label,
      lobbyId: this.directory.lobbyId,
      createdAt: nowSeconds(),
    });
    if (!outcome.ok) {
      if (outcome.reason === 'nickname_taken') return refuse(ErrorCode.NicknameTaken, `The nickname "${checked.nickname}" is taken`);
      return inviteRefusal(outcome.reason.slice('invite_'.length) as InviteStatus)!;
    }
    const { user, sessionId } = outcome;
    return ok({ user, token, sessionId, change: stamped(outcome.change, 'user_joined', { user }) });
  }
}
