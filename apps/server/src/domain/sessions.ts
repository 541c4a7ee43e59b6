import { ErrorCode, mayManage, SIGN_IN_LINK_TTL_S, type Device, type User } from '@hearth/protocol';
import type { SessionRow, SignedIn, Store } from '../store/store.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { hashToken, newToken, nowSeconds } from './tokens.js';

/** A sign-in link as made: the code is shown once, then only its hash is kept. */
export interface MadeLink {
  userId: number;
  code: string;
  expiresAt: number;
}

/** A device signed in: its user, the token to give it, and its session. */
export interface NewDevice {
  user: User;
  token: string;
  sessionId: number;
}

function toSession(row: SessionRow, currentId: number | undefined): Device {
  const session: Device = { id: row.id, label: row.label, created_at: row.createdAt, last_used_at: row.lastUsedAt };
  if (row.id === currentId) session.current = true;
  return session;
}

/** Signed-in devices: finding a token's session, listing and revoking them, and one-time links for a new device. */
export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  authenticate(token: string): Promise<SignedIn | undefined> {
    return this.store.sessions.byTokenHash(hashToken(token));
  }

  /** Whether a session read at sign-in has not been revoked since. */
  stillSignedIn(sessionId: number): Promise<boolean> {
    return this.store.sessions.exists(sessionId);
  }

  async list(actor: User, currentId: number | undefined): Promise<Device[]> {
    return (await this.store.sessions.of(actor.id)).map((row) => toSession(row, currentId));
  }

  /** Signs one of the actor's devices out; the ids revoked, for closing their connections. */
  async revoke(actor: User, sessionId: number): Promise<Result<number[]>> {
    const revoked = await this.store.sessions.delete(actor.id, { only: sessionId });
    return revoked.length === 0 ? refuse(ErrorCode.SessionNotFound, 'You have no such session') : ok(revoked);
  }

  revokeOthers(actor: User, currentId: number): Promise<number[]> {
    return this.store.sessions.delete(actor.id, { except: currentId });
  }

  /** A link for the actor's next device, or (admins, for someone they outrank) to recover another's account. */
  async makeLink(actor: User | null, userId: number): Promise<Result<MadeLink>> {
    const target = this.directory.users.get(userId);
    if (target === undefined) return refuse(ErrorCode.UserNotFound, `No user has id ${userId}`);
    if (actor !== null && actor.id !== userId && !mayManage(actor, target)) {
      return refuse(ErrorCode.Forbidden, 'Only an admin may make a sign-in link for someone else, and only for a member below them');
    }
    if (target.deactivated === true) return refuse(ErrorCode.AccountDeactivated, `${target.nickname}'s account is deactivated; reactivate it first`);
    const code = newToken();
    const createdAt = nowSeconds();
    const expiresAt = createdAt + SIGN_IN_LINK_TTL_S;
    await this.store.sessions.createLink({ codeHash: hashToken(code), userId, createdBy: actor?.id ?? null, createdAt, expiresAt });
    return ok({ userId, code, expiresAt });
  }

  /** Whom a link signs in as, while it can still be used. */
  async linkStatus(code: string): Promise<Result<{ user: User; expiresAt: number }>> {
    const link = await this.store.sessions.link(hashToken(code));
    const user = link === undefined ? undefined : this.directory.users.get(link.userId);
    if (link === undefined || user === undefined) return refuse(ErrorCode.SignInLinkNotFound, 'This sign-in link does not exist');
    if (link.usedAt !== null || link.expiresAt <= nowSeconds()) return refuse(ErrorCode.SignInLinkExpired, 'This sign-in link was used already or has expired');
    if (user.deactivated === true) return refuse(ErrorCode.AccountDeactivated, 'This account has been deactivated');
    return ok({ user, expiresAt: link.expiresAt });
  }

  /** Uses a link, once: a new session for this device. */
  async signIn(code: string, label: string): Promise<Result<NewDevice>> {
    const token = newToken();
    const outcome = await this.store.sessions.useLink({ codeHash: hashToken(code), tokenHash: hashToken(token), label, at: nowSeconds() });
    if (outcome.ok) return ok({ user: outcome.user, token, sessionId: outcome.sessionId });
    if (outcome.reason === 'missing') return refuse(ErrorCode.SignInLinkNotFound, 'This sign-in link does not exist');
    if (outcome.reason === 'expired') return refuse(ErrorCode.SignInLinkExpired, 'This sign-in link was used already or has expired');
    return refuse(ErrorCode.AccountDeactivated, 'This account has been deactivated');
  }
}
