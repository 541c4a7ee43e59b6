import type { Bus } from '../../bus/bus.js';
import type { BotKeyed, Bots } from '../../domain/bots.js';
import type { Result } from '../../domain/result.js';
import type { Links } from '../../links.js';
import type { Logger } from '../../log.js';
import type { UserLimits } from '../../rate-limit.js';
import { closeSessions } from '../closing.js';
import type { Connection } from '../connection.js';
import type { Presence } from '../presence.js';
import type { Publisher } from '../publisher.js';
import { publishOrReply, refused, within, type Handlers } from './handler.js';

export interface BotHandlerNeeds {
  bots: Bots;
  /** Whether the outbound guard would send to a URL. */
  sendable: (url: string) => boolean;
  /** Tells the outgoing webhooks that a bot's endpoint changed. */
  endpointsChanged: () => void;
  links: Links;
  publisher: Publisher;
  presence: Presence;
  bus: Bus;
  limits: UserLimits;
  log: Logger;
}

/**
 * Admins' requests for bot accounts. They share the invite allowance: rare acts that tell everyone. A new bot is
 * told to everyone as a newcomer; a new key closes every connection of the old one.
 */
export function botHandlers({
  bots,
  sendable,
  endpointsChanged,
  links,
  publisher,
  presence,
  bus,
  limits,
  log,
}: BotHandlerNeeds): Handlers<'create_bot' | 'rotate_bot_key' | 'rename_bot' | 'create_webhook' | 'list_webhooks' | 'delete_webhook' | 'set_bot_endpoint'> {
  async function keyed(conn: Connection, id: string | undefined, act: () => Promise<Result<BotKeyed>>): Promise<void> {
    if (!(await within(limits.invites, conn, id))) return;
    const result = await act();
    if (refused(conn, result, id)) return;
    const { user, token, change, revoked } = result.value;
    if (change !== undefined) publisher.publish(change);
    if (revoked.length > 0) closeSessions(bus, presence, user.id, revoked);
    log.info({ botId: user.id, by: conn.user!.id, rotated: change === undefined }, 'bot key made');
    conn.reply('bot_key', { user, token }, id);
  }
  return {
    create_bot: (conn, { id, payload }) => keyed(conn, id, () => bots.create(conn.user!, payload.nickname)),
    rotate_bot_key: (conn, { id, payload }) => keyed(conn, id, () => bots.rotateKey(conn.user!, payload.user_id)),
    rename_bot: async (conn, { id, payload }) => {
      if (!(await within(limits.invites, conn, id))) return;
      const result = await bots.rename(conn.user!, payload.user_id, payload.nickname);
      if (refused(conn, result, id)) return;
      const { user, change } = result.value;
      publishOrReply(publisher, conn, id, change, () => conn.reply('user_updated', { user }, id));
    },
    create_webhook: async (conn, { id, payload }) => {
      if (!(await within(limits.invites, conn, id))) return;
      const result = await bots.createWebhook(conn.user!, payload.bot_id, payload.conversation_id);
      if (refused(conn, result, id)) return;
      log.info({ webhookId: result.value.webhook.id, botId: payload.bot_id, by: conn.user!.id }, 'webhook made');
      conn.reply('webhook_created', { webhook: result.value.webhook, url: links.hook(result.value.token) }, id);
    },
    set_bot_endpoint: async (conn, { id, payload }) => {
      if (!(await within(limits.invites, conn, id))) return;
      const result = await bots.setEndpoint(conn.user!, payload.user_id, payload.url, sendable);
      if (refused(conn, result, id)) return;
      endpointsChanged();
      log.info({ botId: payload.user_id, by: conn.user!.id, endpoint: result.value.url !== null }, 'bot endpoint set');
      conn.reply('bot_endpoint', { user_id: payload.user_id, ...result.value }, id);
    },
    list_webhooks: async (conn, { id }) => {
      const result = await bots.webhooks(conn.user!);
      if (!refused(conn, result, id)) conn.reply('webhooks', { webhooks: result.value }, id);
    },
    delete_webhook: async (conn, { id, payload }) => {
      if (!(await within(limits.invites, conn, id))) return;
      const result = await bots.deleteWebhook(conn.user!, payload.webhook_id);
      if (!refused(conn, result, id)) conn.reply('webhooks', { webhooks: result.value }, id);
    },
  };
}
