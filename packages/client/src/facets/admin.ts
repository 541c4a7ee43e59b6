import type { InvitePolicy, Member, ServerPayload, User, Webhook } from '@hearth/protocol';
import type { Request } from './request.js';

/** Invites, and what admins and the owner do to the server's members. */
export type AdminRequests = ReturnType<typeof adminRequests>;

export function adminRequests(request: Request) {
  return {
    /** A new invite: single-use and for INVITE_TTL_DEFAULT_S unless said otherwise (`expiresIn` in seconds). */
    createInvite(options: { expiresIn?: number; maxUses?: number } = {}): Promise<ServerPayload<'invite_created'>> {
      return request('create_invite', { expires_in: options.expiresIn, max_uses: options.maxUses });
    },

    /** Admins: everyone, with their last activity. */
    async members(): Promise<Member[]> {
      return (await request('list_members', {})).members;
    },

    /** The owner: makes a member an admin, or an admin a member. */
    async setRole(userId: number, role: 'admin' | 'member'): Promise<User> {
      return (await request('set_role', { user_id: userId, role })).user;
    },

    /** Admins: the account can no longer sign in, and its devices are signed out. */
    async deactivateUser(userId: number): Promise<User> {
      return (await request('deactivate_user', { user_id: userId })).user;
    },

    async reactivateUser(userId: number): Promise<User> {
      return (await request('reactivate_user', { user_id: userId })).user;
    },

    /** Admins: a bot account and its key, which is shown this once. */
    createBot(nickname: string): Promise<ServerPayload<'bot_key'>> {
      return request('create_bot', { nickname });
    },

    /** Admins: a bot's new key; the old one stops at once. Delete a bot with `deactivateUser`. */
    rotateBotKey(userId: number): Promise<ServerPayload<'bot_key'>> {
      return request('rotate_bot_key', { user_id: userId });
    },

    /** Admins: a webhook URL that posts as the bot into a conversation it is in; the URL is shown this once. */
    createWebhook(botId: number, conversationId: number): Promise<ServerPayload<'webhook_created'>> {
      return request('create_webhook', { bot_id: botId, conversation_id: conversationId });
    },

    /** Admins: where the bot is told of mentions and DMs (null: nowhere); the reply's secret signs those requests. */
    setBotEndpoint(botId: number, url: string | null): Promise<ServerPayload<'bot_endpoint'>> {
      return request('set_bot_endpoint', { user_id: botId, url });
    },

    async webhooks(): Promise<Webhook[]> {
      return (await request('list_webhooks', {})).webhooks;
    },

    /** Admins: the webhook's URL stops working; resolves with the webhooks left. */
    async deleteWebhook(webhookId: number): Promise<Webhook[]> {
      return (await request('delete_webhook', { webhook_id: webhookId })).webhooks;
    },

    async renameBot(userId: number, nickname: string): Promise<User> {
      return (await request('rename_bot', { user_id: userId, nickname })).user;
    },

    /**
     * A page of invites, newest first, and who may invite; anyone but an admin gets only the invites they made. Pass
     * the last code of a page as `before` for the next while `has_more` says more remain.
     */
    invites(page: { before?: string; limit?: number } = {}): Promise<ServerPayload<'invites'>> {
      return request('list_invites', { before: page.before, limit: page.limit });
    },

    revokeInvite(code: string): Promise<ServerPayload<'invites'>> {
      return request('revoke_invite', { code });
    },

    setInvitePolicy(policy: InvitePolicy): Promise<ServerPayload<'invites'>> {
      return request('set_invite_policy', { policy });
    },
  };
}
