import type { ClientEventType } from './client.js';
import type { ServerEventType } from './server.js';

/**
 * The event that answers each request once authenticated. An `error` frame with the request's id may answer any
 * of them; `auth` is answered by `auth_ok` or `auth_error` and only as a connection's first frame, and `typing`
 * by nothing unless it is refused.
 */
export const REPLY_TYPE = {
  send_message: 'message',
  edit_message: 'message_updated',
  delete_message: 'message_updated',
  remove_preview: 'message_updated',
  add_reaction: 'message_updated',
  remove_reaction: 'message_updated',
  create_dm: 'conversation_created',
  create_group: 'conversation_created',
  load_history: 'history',
  catch_up: 'caught_up',
  create_invite: 'invite_created',
  ping: 'pong',
  mark_read: 'member_state_updated',
  set_notify: 'member_state_updated',
  subscribe_push: 'push_updated',
  unsubscribe_push: 'push_updated',
  set_nickname: 'user_updated',
  set_status: 'user_updated',
  search: 'search_results',
  list_sessions: 'sessions',
  revoke_session: 'sessions',
  revoke_other_sessions: 'sessions',
  create_sign_in_link: 'sign_in_link',
  list_members: 'members',
  list_users: 'users',
  set_role: 'user_updated',
  create_bot: 'bot_key',
  rotate_bot_key: 'bot_key',
  rename_bot: 'user_updated',
  create_webhook: 'webhook_created',
  list_webhooks: 'webhooks',
  delete_webhook: 'webhooks',
  set_bot_endpoint: 'bot_endpoint',
  deactivate_user: 'user_updated',
  reactivate_user: 'user_updated',
  list_invites: 'invites',
  revoke_invite: 'invites',
  set_invite_policy: 'invites',
  rename_group: 'conversation_updated',
  add_members: 'conversation_updated',
  remove_member: 'conversation_updated',
  leave_conversation: 'conversation_updated',
} as const satisfies Record<Exclude<ClientEventType, 'auth' | 'typing'>, ServerEventType>;
export type RequestType = keyof typeof REPLY_TYPE;
