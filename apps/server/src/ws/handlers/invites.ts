import type { Invite, InvitePolicy, ServerPayload } from '@hearth/protocol';
import type { Bus } from '../../bus/bus.js';
import type { InvitePage, Invites } from '../../domain/invites.js';
import type { Result } from '../../domain/result.js';
import type { Links } from '../../links.js';
import type { UserLimits } from '../../rate-limit.js';
import type { InviteRow } from '../../store/store.js';
import type { Connection } from '../connection.js';
import type { Publisher } from '../publisher.js';
import { refused, within, type Handlers } from './handler.js';

export interface InviteNeeds {
  invites: Invites;
  publisher: Publisher;
  bus: Bus;
  limits: UserLimits;
  links: Links;
}

/** Making invites, and what admins (or everyone, as the policy says) see and do with them. */
export function inviteHandlers(needs: InviteNeeds): Handlers<'create_invite' | 'list_invites' | 'revoke_invite' | 'set_invite_policy'> {
  const { invites, publisher, bus, limits, links } = needs;

  function toInvite(row: InviteRow): Invite {
    const invite: Invite = { code: row.code, url: links.invite(row.code), created_at: row.createdAt, uses: row.uses };
    if (row.createdBy !== null) invite.created_by = row.createdBy;
    if (row.expiresAt !== null) invite.expires_at = row.expiresAt;
    if (row.maxUses !== null) invite.max_uses = row.maxUses;
    if (row.revokedAt !== null) invite.revoked = true;
    return invite;
  }

  async function replyInvites(conn: Connection, id: string | undefined, act: () => Promise<Result<InvitePage>>): Promise<void> {
    const result = await act();
    if (refused(conn, result, id)) return;
    conn.reply('invites', { invites: result.value.rows.map(toInvite), policy: invites.policy, has_more: result.value.hasMore }, id);
  }

  /** The policy is kept in memory by every process: the others read it again, and each tells its own connections. */
  async function setPolicy(conn: Connection, policy: InvitePolicy): Promise<Result<InvitePage>> {
    const before = invites.policy;
    const result = await invites.setPolicy(conn.user!, policy);
    if (!result.ok || policy === before) return result;
    bus.signal({ type: 'reload', what: 'invite_policy' });
    publisher.invitePolicyHere(policy);
    return result;
  }

  return {
    create_invite: async (conn, { id, payload }) => {
      if (!(await within(limits.invites, conn, id))) return;
      const result = await invites.createFor(conn.user!, payload);
      if (refused(conn, result, id)) return;
      const { code, expiresAt, maxUses } = result.value;
      const created: ServerPayload<'invite_created'> = { code, url: links.invite(code) };
      if (expiresAt !== null) created.expires_at = expiresAt;
      if (maxUses !== null) created.max_uses = maxUses;
      conn.reply('invite_created', created, id);
    },
    list_invites: (conn, { id, payload }) => replyInvites(conn, id, () => invites.list(conn.user!, payload)),
    revoke_invite: async (conn, { id, payload }) => {
      if (await within(limits.writes, conn, id)) await replyInvites(conn, id, () => invites.revoke(conn.user!, payload.code));
    },
    set_invite_policy: async (conn, { id, payload }) => {
      if (await within(limits.writes, conn, id)) await replyInvites(conn, id, () => setPolicy(conn, payload.policy));
    },
  };
}
