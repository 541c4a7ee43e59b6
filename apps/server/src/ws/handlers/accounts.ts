import type { AccountChanged, Admin } from '../../domain/admin.js';
import type { Result } from '../../domain/result.js';
import type { Sessions } from '../../domain/sessions.js';
import type { Renamed, Users } from '../../domain/users.js';
import { accountDeactivated, type Bus } from '../../bus/bus.js';
import type { Links } from '../../links.js';
import type { Logger } from '../../log.js';
import type { PushSubscriptions } from '../../push/subscriptions.js';
import type { UserLimits } from '../../rate-limit.js';
import { closeEverywhere, closeSessions } from '../closing.js';
import type { Connection } from '../connection.js';
import type { Presence } from '../presence.js';
import type { Publisher } from '../publisher.js';
import { publishOrReply, refused, within, type Handlers } from './handler.js';

export interface AccountNeeds {
  users: Users;
  sessions: Sessions;
  admin: Admin;
  push: PushSubscriptions;
  publisher: Publisher;
  presence: Presence;
  bus: Bus;
  limits: UserLimits;
  links: Links;
  log: Logger;
}

/** The user's own name, devices and push subscriptions, and what admins do to members. */
export function accountHandlers(
  needs: AccountNeeds,
): Handlers<
  | 'set_nickname'
  | 'set_status'
  | 'list_sessions'
  | 'revoke_session'
  | 'revoke_other_sessions'
  | 'create_sign_in_link'
  | 'list_members'
  | 'set_role'
  | 'deactivate_user'
  | 'reactivate_user'
  | 'subscribe_push'
  | 'unsubscribe_push'
> {
  const { users, sessions, admin, push, publisher, presence, bus, limits, links, log } = needs;

  async function replySessions(conn: Connection, id: string | undefined): Promise<void> {
    conn.reply('sessions', { sessions: await sessions.list(conn.user!, conn.sessionId) }, id);
  }

  /**
   * A role given, or an account deactivated or reactivated: everyone hears the user as they now are, the requester
   * as the reply. A deactivated account's connections then close.
   */
  async function changeAccount(conn: Connection, id: string | undefined, act: () => Promise<Result<AccountChanged>>): Promise<void> {
    if (!(await within(limits.writes, conn, id))) return;
    const result = await act();
    if (refused(conn, result, id)) return;
    const { user, change, revoked } = result.value;
    if (change === undefined) return conn.reply('user_updated', { user }, id);
    publisher.publish(change, { conn, requestId: id });
    log.info({ userId: user.id, by: conn.user!.id, role: user.role, deactivated: user.deactivated === true }, 'account changed');
    if (user.deactivated === true) closeEverywhere(bus, presence, accountDeactivated(user.id));
    if (revoked.length > 0) closeSessions(bus, presence, user.id, revoked);
  }

  /**
   * A new name or status: everyone hears it. Both share the invite allowance: rare acts that tell everyone.
   */
  async function changeSelf(conn: Connection, id: string | undefined, act: () => Promise<Result<Renamed>>): Promise<void> {
    if (!(await within(limits.invites, conn, id))) return;
    const result = await act();
    if (refused(conn, result, id)) return;
    const { user, change } = result.value;
    publishOrReply(publisher, conn, id, change, () => conn.reply('user_updated', { user }, id));
  }

  return {
    set_nickname: (conn, { id, payload }) => changeSelf(conn, id, () => users.rename(conn.user!, payload.nickname)),
    set_status: (conn, { id, payload }) => changeSelf(conn, id, () => users.setStatus(conn.user!, payload.status)),
    list_sessions: (conn, { id }) => replySessions(conn, id),
    // Signing out and unsubscribing are paid from the user's writes, like every other request that writes.
    revoke_session: async (conn, { id, payload }) => {
      if (!(await within(limits.writes, conn, id))) return;
      const result = await sessions.revoke(conn.user!, payload.session_id);
      if (refused(conn, result, id)) return;
      await replySessions(conn, id);
      closeSessions(bus, presence, conn.user!.id, result.value);
    },
    revoke_other_sessions: async (conn, { id }) => {
      if (!(await within(limits.writes, conn, id))) return;
      const revoked = conn.sessionId === undefined ? [] : await sessions.revokeOthers(conn.user!, conn.sessionId);
      await replySessions(conn, id);
      closeSessions(bus, presence, conn.user!.id, revoked);
    },
    // Counted against the invite allowance: a link, like an invite, is a rare act that lets someone in.
    create_sign_in_link: async (conn, { id, payload }) => {
      if (!(await within(limits.invites, conn, id))) return;
      const result = await sessions.makeLink(conn.user!, payload.user_id ?? conn.user!.id);
      if (refused(conn, result, id)) return;
      const { userId, code, expiresAt } = result.value;
      log.info({ userId, by: conn.user!.id }, 'sign-in link made');
      conn.reply('sign_in_link', { user_id: userId, code, url: links.signIn(code), expires_at: expiresAt }, id);
    },
    list_members: async (conn, { id }) => {
      const result = await admin.members(conn.user!, (userId) => presence.isOnline(userId));
      if (!refused(conn, result, id)) conn.reply('members', { members: result.value }, id);
    },
    set_role: (conn, { id, payload }) => changeAccount(conn, id, () => admin.setRole(conn.user!, payload.user_id, payload.role)),
    deactivate_user: (conn, { id, payload }) => changeAccount(conn, id, () => admin.deactivate(conn.user!, payload.user_id)),
    reactivate_user: (conn, { id, payload }) => changeAccount(conn, id, () => admin.reactivate(conn.user!, payload.user_id)),
    // Who has a push subscription is kept in memory by every process, and the process that stores a message pushes it.
    subscribe_push: async (conn, { id, payload }) => {
      if (!(await within(limits.pushSubscribes, conn, id))) return;
      const result = await push.subscribe(conn.user!, payload);
      if (refused(conn, result, id)) return;
      bus.signal({ type: 'reload', what: 'push_subscriptions', user_id: conn.user!.id });
      conn.reply('push_updated', { endpoint: payload.endpoint, subscribed: true }, id);
    },
    unsubscribe_push: async (conn, { id, payload }) => {
      if (!(await within(limits.writes, conn, id))) return;
      await push.unsubscribe(conn.user!, payload.endpoint);
      bus.signal({ type: 'reload', what: 'push_subscriptions', user_id: conn.user!.id });
      conn.reply('push_updated', { endpoint: payload.endpoint, subscribed: false }, id);
    },
  };
}
