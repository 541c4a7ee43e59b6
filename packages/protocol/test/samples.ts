import {
  PROTOCOL_VERSION,
  type ChangeEventType,
  type ChangeStamp,
  type ClientEventOf,
  type ClientEventType,
  type Conversation,
  type MemberState,
  type Message,
  type ServerEventOf,
  type ServerEventType,
  type User,
} from '../src/index.js';

// Mapped over the event types, so an event added to the protocol without a sample here fails to compile.
type ClientSamples = { [T in ClientEventType]: ClientEventOf<T> };
type ServerSamples = { [T in ServerEventType]: ServerEventOf<T> };
/** A change as it is sent, live or in a `caught_up` page: its event with the log's numbers and no request id. */
type ChangeSamples = { [T in ChangeEventType]: ServerEventOf<T> & ChangeStamp };

export const alice: User = { id: 1, nickname: 'Alice' };
export const bob: User = { id: 2, nickname: 'Bob' };
export const dana: User = { id: 3, nickname: 'Dana' };

export const lobby: Conversation = { id: 1, type: 'lobby', members: [], created_at: 1767225600 };
export const dm: Conversation = { id: 5, type: 'dm', members: [alice, bob], created_at: 1767312030, last_message_id: 40 };
export const group: Conversation = { id: 7, type: 'group', members: [alice, bob, dana], created_at: 1767312040, title: 'Climbing', created_by: 1 };

/** Alice has read the lobby up to 41; one later message from Bob mentions her. */
export const lobbyState: MemberState = { conversation_id: 1, last_read_id: 41, unread: 1, mentions: 1, notify: 'mentions' };

export const hello: Message = {
  id: 42,
  conversation_id: 1,
  user_id: 1,
  content: 'hello everyone',
  client_id: '0b7e6c1a-5d2f-4c3e-9a8b-1f2e3d4c5b6a',
  created_at: 1767312000,
};

/** A reply to `hello` that mentions Bob, was edited, and has reactions: every optional field of a message. */
export const reply: Message = {
  id: 43,
  conversation_id: 1,
  user_id: 2,
  content: 'welcome <@3>, good to have you',
  client_id: 'c-43',
  created_at: 1767312010,
  edited_at: 1767312020,
  reply_to: 42,
  quote: { user_id: 1, excerpt: 'hello everyone' },
  mentions: [3],
  reactions: [
    { emoji: '👍', user_ids: [1, 3] },
    { emoji: '🏳️‍🌈', user_ids: [3] },
  ],
};

/** Alice added Dana to the group: a group change line, told in its conversation right after the change itself. */
export const addedLine: Message = {
  id: 44,
  conversation_id: 7,
  user_id: 1,
  content: 'Alice added Dana',
  client_id: 'group-event-64',
  created_at: 1767312040,
  event: { kind: 'added', users: [3] },
};

export const clientSamples: ClientSamples = {
  auth: { type: 'auth', payload: { token: 'q8Jx0cV1rT3nW5yB7dF9hK2mP4sU6wA8zC0eG2iL4oN' }, id: '1' },
  send_message: { type: 'send_message', payload: { conversation_id: 1, content: 'hi', client_id: 'c-1' }, id: '2' },
  edit_message: { type: 'edit_message', payload: { message_id: 42, content: 'hello everyone!' }, id: 'e' },
  delete_message: { type: 'delete_message', payload: { message_id: 42 }, id: 'd' },
  remove_preview: { type: 'remove_preview', payload: { message_id: 42 }, id: 'rp' },
  add_reaction: { type: 'add_reaction', payload: { message_id: 42, emoji: '👍🏽' }, id: 'r' },
  remove_reaction: { type: 'remove_reaction', payload: { message_id: 42, emoji: '👍🏽' }, id: 'u' },
  create_dm: { type: 'create_dm', payload: { user_id: 2 } },
  create_group: { type: 'create_group', payload: { user_ids: [2, 3] }, id: 'g' },
  load_history: { type: 'load_history', payload: { conversation_id: 1, before: 40, limit: 100 } },
  catch_up: { type: 'catch_up', payload: { after: 0, limit: 500 }, id: 'c' },
  create_invite: { type: 'create_invite', payload: {} },
  ping: { type: 'ping', payload: {}, id: 'p' },
  typing: { type: 'typing', payload: { conversation_id: 5 } },
  mark_read: { type: 'mark_read', payload: { conversation_id: 1, message_id: 43 }, id: 'm' },
  set_notify: { type: 'set_notify', payload: { conversation_id: 5, notify: 'mentions' }, id: 'n' },
  subscribe_push: {
    type: 'subscribe_push',
    payload: {
      endpoint: 'https://push.example/send/dGhpcyBpcyBhIHRlc3Q',
      keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
    },
    id: 'w',
  },
  set_nickname: { type: 'set_nickname', payload: { nickname: 'Alicia' }, id: 'k' },
  create_bot: { type: 'create_bot', payload: { nickname: 'Deploybot' }, id: 'cb' },
  rotate_bot_key: { type: 'rotate_bot_key', payload: { user_id: 7 }, id: 'rk' },
  rename_bot: { type: 'rename_bot', payload: { user_id: 7, nickname: 'CI' }, id: 'rb' },
  create_webhook: { type: 'create_webhook', payload: { bot_id: 7, conversation_id: 1 }, id: 'cw' },
  list_webhooks: { type: 'list_webhooks', payload: {}, id: 'lw' },
  delete_webhook: { type: 'delete_webhook', payload: { webhook_id: 3 }, id: 'dw' },
  set_bot_endpoint: { type: 'set_bot_endpoint', payload: { user_id: 7, url: 'https://bots.example/hearth' }, id: 'be' },
  set_status: { type: 'set_status', payload: { status: 'On holiday until Monday' }, id: 'k2' },
  unsubscribe_push: { type: 'unsubscribe_push', payload: { endpoint: 'https://push.example/send/dGhpcyBpcyBhIHRlc3Q' }, id: 'x' },
  search: { type: 'search', payload: { query: 'welcome', conversation_id: 1, user_id: 2, before: 60, limit: 50 }, id: 's' },
  list_sessions: { type: 'list_sessions', payload: {}, id: 'ls' },
  revoke_session: { type: 'revoke_session', payload: { session_id: 3 }, id: 'rs' },
  revoke_other_sessions: { type: 'revoke_other_sessions', payload: {}, id: 'ro' },
  create_sign_in_link: { type: 'create_sign_in_link', payload: { user_id: 2 }, id: 'sl' },
  list_members: { type: 'list_members', payload: {}, id: 'lm' },
  list_users: { type: 'list_users', payload: { after: 2, limit: 200 }, id: 'lu' },
  set_role: { type: 'set_role', payload: { user_id: 2, role: 'admin' }, id: 'sr' },
  deactivate_user: { type: 'deactivate_user', payload: { user_id: 3 }, id: 'du' },
  reactivate_user: { type: 'reactivate_user', payload: { user_id: 3 }, id: 'ru' },
  list_invites: { type: 'list_invites', payload: {}, id: 'li' },
  revoke_invite: { type: 'revoke_invite', payload: { code: 'pX3v9QeT2mWkL7bRz4sYaQ' }, id: 'ri' },
  set_invite_policy: { type: 'set_invite_policy', payload: { policy: 'admins' }, id: 'ip' },
  rename_group: { type: 'rename_group', payload: { conversation_id: 7, title: 'Climbing' }, id: 'rg' },
  add_members: { type: 'add_members', payload: { conversation_id: 7, user_ids: [3] }, id: 'am' },
  remove_member: { type: 'remove_member', payload: { conversation_id: 7, user_id: 3 }, id: 'rm' },
  leave_conversation: { type: 'leave_conversation', payload: { conversation_id: 7 }, id: 'lc' },
};

/**
 * One change of each type, numbered as the log would number them: a lobby message (stream `c1`, the lobby's previous
 * change was 51), the DM's creation (the first change of stream `c5`), and Dana joining (a server-wide change).
 */
export const changeSamples: ChangeSamples = {
  message: { type: 'message', payload: hello, seq: 57, prev: 51, stream: 'c1' },
  conversation_created: { type: 'conversation_created', payload: { conversation: dm }, seq: 58, prev: 0, stream: 'c5' },
  user_joined: { type: 'user_joined', payload: { user: dana }, seq: 59, prev: 12, stream: 'all' },
  message_updated: { type: 'message_updated', payload: { message: reply }, seq: 60, prev: 57, stream: 'c1' },
  member_state_updated: {
    type: 'member_state_updated',
    payload: { state: { ...lobbyState, last_read_id: 43, unread: 0, mentions: 0 } },
    seq: 61,
    prev: 33,
    stream: 'u1',
  },
  user_updated: { type: 'user_updated', payload: { user: { id: 1, nickname: 'Alicia', role: 'owner' } }, seq: 62, prev: 59, stream: 'all' },
  conversation_updated: { type: 'conversation_updated', payload: { conversation: group }, seq: 63, prev: 0, stream: 'c7' },
};

export const serverSamples: ServerSamples = {
  auth_ok: {
    type: 'auth_ok',
    payload: {
      user: alice,
      conversations: [lobby, dm],
      online_users: [alice],
      users: [alice, bob],
      users_partial: true,
      last_message_id: 41,
      cursor: 56,
      protocol_version: PROTOCOL_VERSION,
      member_states: [lobbyState, { conversation_id: 5, last_read_id: 40, unread: 0, mentions: 0, notify: 'all' }],
      push_key: 'BDd3_hVL9fZi9Ybo2UUzA284WG5FZR30_95YeZJsiApwXKpNcF1rRPF3foIiBHXRdJI2Qhumhf6_LFTeZaNndIo',
      session_id: 4,
      invite_policy: 'everyone',
    },
    id: '1',
  },
  auth_error: { type: 'auth_error', payload: { message: 'This token is not valid', code: 'invalid_token' } },
  // The sender's acknowledgement: the change frame everyone else gets, plus the request id.
  message: { ...changeSamples.message, id: '2' },
  message_updated: { ...changeSamples.message_updated, id: 'e' },
  user_online: { type: 'user_online', payload: { user: bob } },
  user_offline: { type: 'user_offline', payload: { user_id: 2 } },
  conversation_created: { ...changeSamples.conversation_created, id: '5' },
  user_joined: changeSamples.user_joined,
  member_state_updated: { ...changeSamples.member_state_updated, id: 'm' },
  user_updated: { ...changeSamples.user_updated, id: 'k' },
  history: { type: 'history', payload: { conversation_id: 1, messages: [hello, reply], has_more: true, has_newer: false }, id: '6' },
  caught_up: {
    type: 'caught_up',
    payload: { changes: [...Object.values(changeSamples), { type: 'message', payload: addedLine, seq: 64, prev: 63, stream: 'c7' }], has_more: false, cursor: 64 },
    id: 'c',
  },
  invite_created: {
    type: 'invite_created',
    payload: { code: 'pX3v9QeT2mWkL7bRz4sYaQ', url: 'https://chat.example/join/pX3v9QeT2mWkL7bRz4sYaQ', expires_at: 1767916800, max_uses: 1 },
  },
  conversation_updated: { ...changeSamples.conversation_updated, id: 'rg' },
  sessions: {
    type: 'sessions',
    payload: {
      sessions: [
        { id: 4, label: 'Firefox on Linux', created_at: 1767312000, last_used_at: 1767398400, current: true },
        { id: 3, label: 'Chrome on Android', created_at: 1767225600, last_used_at: 1767312000 },
      ],
    },
    id: 'ls',
  },
  webhook_created: {
    type: 'webhook_created',
    payload: { webhook: { id: 3, bot_id: 7, conversation_id: 1, created_at: 1767312000 }, url: 'https://chat.example/api/hooks/k3v9QeT2mWkL7bRz4sYaQ9' },
    id: 'cw',
  },
  bot_endpoint: { type: 'bot_endpoint', payload: { user_id: 7, url: 'https://bots.example/hearth', secret: 'c2VjcmV0c2VjcmV0c2VjcmV0' }, id: 'be' },
  webhooks: { type: 'webhooks', payload: { webhooks: [{ id: 3, bot_id: 7, conversation_id: 1, created_at: 1767312000 }] }, id: 'lw' },
  bot_key: { type: 'bot_key', payload: { user: { id: 7, nickname: 'Deploybot', role: 'bot' }, token: 'k3v9QeT2mWkL7bRz4sYaQ9xY2Zk3v9QeT2mWkL7bRz4' }, id: 'cb' },
  sign_in_link: {
    type: 'sign_in_link',
    payload: { user_id: 1, code: 'Zk3v9QeT2mWkL7bRz4sYaQ9xY2', url: 'https://chat.example/signin/Zk3v9QeT2mWkL7bRz4sYaQ9xY2', expires_at: 1767312600 },
    id: 'sl',
  },
  users: { type: 'users', payload: { users: [bob, dana], has_more: true }, id: 'lu' },
  members: {
    type: 'members',
    payload: {
      members: [
        { user: { ...alice, role: 'owner' }, joined_at: 1767225600, last_active_at: 1767398400, online: true, sessions: 2 },
        { user: { ...dana, deactivated: true }, joined_at: 1767312000, online: false, sessions: 0 },
      ],
    },
    id: 'lm',
  },
  invites: {
    type: 'invites',
    payload: {
      invites: [
        {
          code: 'pX3v9QeT2mWkL7bRz4sYaQ',
          url: 'https://chat.example/join/pX3v9QeT2mWkL7bRz4sYaQ',
          created_by: 1,
          created_at: 1767312000,
          expires_at: 1767916800,
          max_uses: 5,
          uses: 2,
        },
        { code: 'aB3v9QeT2mWkL7bRz4sYaQ', url: 'https://chat.example/join/aB3v9QeT2mWkL7bRz4sYaQ', created_at: 1767225600, uses: 0, revoked: true },
      ],
      policy: 'admins',
    },
    id: 'li',
  },
  error: {
    type: 'error',
    payload: { message: 'Too many requests; slow down', code: 'rate_limited', retry_after_ms: 250 },
    id: '9',
  },
  pong: { type: 'pong', payload: {}, id: 'p' },
  user_typing: { type: 'user_typing', payload: { conversation_id: 5, user_id: 2 } },
  invite_policy_updated: { type: 'invite_policy_updated', payload: { policy: 'admins' } },
  push_updated: { type: 'push_updated', payload: { endpoint: 'https://push.example/send/dGhpcyBpcyBhIHRlc3Q', subscribed: true }, id: 'w' },
  search_results: { type: 'search_results', payload: { query: 'welcome', messages: [reply], has_more: false }, id: 's' },
};

/** A frame as the wire carries it. */
export const frame = (value: unknown): string => JSON.stringify(value);
