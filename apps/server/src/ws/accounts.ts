import { CloseCode, type Invite } from '@hearth/protocol';
import { inviteUrl, signInUrl, type Context } from '../context.js';
import type { AccountChanged } from '../domain/admin.js';
import type { Result } from '../domain/result.js';
import type { InviteRow } from '../store/store.js';
import { accountDeactivated, type CloseSignal } from '../bus/bus.js';
import type { Connection } from './connection.js';
import type { Presence } from './presence.js';
import { limitedBy, type Handler } from './dispatch.js';

// Requests about accounts: the user's own devices, and what admins do to members and invites.

export async function replySessions(ctx: Context, conn: Connection, id: string | undefined): Promise<void> {
  conn.reply('sessions', { sessions: await ctx.sessions.list(conn.user!, conn.sessionId) }, id);
}

/** The sessions' connections close at once, on every process: a signed-out device keeps nothing open. */
function closeSessions(ctx: Context, userId: number, sessionIds: readonly number[]): void {
  closeEverywhere(ctx, { type: 'close', user_id: userId, session_ids: [...sessionIds], code: CloseCode.SessionRevoked, reason: 'signed out' });
}

/** Closes connections wherever they are: this process's here, the others' when they hear the signal. */
function closeEverywhere(ctx: Context, signal: CloseSignal): void {
  ctx.bus.signal(signal);
  closeHere(ctx.presence, signal);
}

/** Closes this process's connections that a `close` signal names: some sessions of a user, or all of them. */
export function closeHere(presence: Presence, signal: CloseSignal): void {
  const sessions = signal.session_ids === undefined ? undefined : new Set(signal.session_ids);
  for (const conn of presence.connectionsOf(signal.user_id) ?? []) {
    if (sessions === undefined || (conn.sessionId !== undefined && sessions.has(conn.sessionId))) conn.drop(signal.code, signal.reason);
  }
}

export const onRevokeSession: Handler<'revoke_session'> = async (ctx, conn, event) => {
  const result = await ctx.sessions.revoke(conn.user!, event.payload.session_id);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  await replySessions(ctx, conn, event.id);
  closeSessions(ctx, conn.user!.id, result.value);
};

export const onRevokeOtherSessions: Handler<'revoke_other_sessions'> = async (ctx, conn, event) => {
  const revoked = conn.sessionId === undefined ? [] : await ctx.sessions.revokeOthers(conn.user!, conn.sessionId);
  await replySessions(ctx, conn, event.id);
  closeSessions(ctx, conn.user!.id, revoked);
};

/** Counted against the invite allowance: a link, like an invite, is a rare act that lets someone in. */
export const onCreateSignInLink: Handler<'create_sign_in_link'> = async (ctx, conn, event) => {
  const limited = await limitedBy(ctx.userLimits.invites, conn.user!.id);
  if (limited !== undefined) return conn.fail(limited.error.code, limited.error.message, event.id, { retry_after_ms: limited.error.retryAfterMs });
  const result = await ctx.sessions.makeLink(conn.user!, event.payload.user_id ?? conn.user!.id);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  const { userId, code, expiresAt } = result.value;
  ctx.log.info({ userId, by: conn.user!.id }, 'sign-in link made');
  conn.reply('sign_in_link', { user_id: userId, code, url: signInUrl(ctx, code), expires_at: expiresAt }, event.id);
};

export const onListMembers: Handler<'list_members'> = async (ctx, conn, event) => {
  const result = await ctx.admin.members(conn.user!, (userId) => ctx.presence.isOnline(userId));
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  conn.reply('members', { members: result.value }, event.id);
};

/**
 * A role given, or an account deactivated or reactivated: everyone hears the user as they now are, the requester as
 * the reply. A deactivated account's connections then close.
 */
export async function changeAccount(ctx: Context, conn: Connection, id: string | undefined, act: () => Promise<Result<AccountChanged>>): Promise<void> {
  const result = await act();
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  const { user, change, revoked } = result.value;
  if (change === undefined) return conn.reply('user_updated', { user }, id);
  ctx.publisher.publish(change, { conn, requestId: id });
  ctx.log.info({ userId: user.id, by: conn.user!.id, role: user.role, deactivated: user.deactivated === true }, 'account changed');
  if (user.deactivated === true) closeEverywhere(ctx, accountDeactivated(user.id));
  if (revoked.length > 0) closeSessions(ctx, user.id, revoked);
}

function toInvite(ctx: Context, row: InviteRow): Invite {
  const invite: Invite = { code: row.code, url: inviteUrl(ctx, row.code), created_at: row.createdAt, uses: row.uses };
  if (row.createdBy !== null) invite.created_by = row.createdBy;
  if (row.expiresAt !== null) invite.expires_at = row.expiresAt;
  if (row.maxUses !== null) invite.max_uses = row.maxUses;
  if (row.revokedAt !== null) invite.revoked = true;
  return invite;
}

export async function replyInvites(ctx: Context, conn: Connection, id: string | undefined, act: () => Promise<Result<InviteRow[]>>): Promise<void> {
  const result = await act();
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  conn.reply('invites', { invites: result.value.map((row) => toInvite(ctx, row)), policy: ctx.invites.policy }, id);
}
