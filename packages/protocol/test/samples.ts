import type {
  ClientEventOf,
  ClientEventType,
  Conversation,
  Message,
  ServerEventOf,
  ServerEventType,
  User,
} from '../src/index.js';

// Mapped over the event types, so an event added to the protocol without a sample here fails to compile.
type ClientSamples = { [T in ClientEventType]: ClientEventOf<T> };
type ServerSamples = { [T in ServerEventType]: ServerEventOf<T> };

export const alice: User = { id: 1, nickname: 'Alice' };
export const bob: User = { id: 2, nickname: 'Bob' };

export const lobby: Conversation = { id: 1, type: 'lobby', members: [], created_at: 1767225600 };
export const dm: Conversation = { id: 5, type: 'dm', members: [alice, bob], created_at: 1767312030 };

export const hello: Message = {
  id: 42,
  conversation_id: 1,
  user_id: 1,
  content: 'hello everyone',
  client_id: '0b7e6c1a-5d2f-4c3e-9a8b-1f2e3d4c5b6a',
  created_at: 1767312000,
};

export const clientSamples: ClientSamples = {
  auth: { type: 'auth', payload: { token: 'q8Jx0cV1rT3nW5yB7dF9hK2mP4sU6wA8zC0eG2iL4oN' }, id: '1' },
  send_message: { type: 'send_message', payload: { conversation_id: 1, content: 'hi', client_id: 'c-1' }, id: '2' },
  create_dm: { type: 'create_dm', payload: { user_id: 2 } },
  create_group: { type: 'create_group', payload: { user_ids: [2, 3] }, id: 'g' },
  load_history: { type: 'load_history', payload: { conversation_id: 1, before: 40, limit: 100 } },
  catch_up: { type: 'catch_up', payload: { after: 0, limit: 500 }, id: 'c' },
  create_invite: { type: 'create_invite', payload: {} },
  ping: { type: 'ping', payload: {}, id: 'p' },
};

export const serverSamples: ServerSamples = {
  auth_ok: {
    type: 'auth_ok',
    payload: { user: alice, conversations: [lobby, dm], online_users: [alice], users: [alice, bob], last_message_id: 41 },
    id: '1',
  },
  auth_error: { type: 'auth_error', payload: { message: 'This token is not valid', code: 'invalid_token' } },
  message: { type: 'message', payload: hello, id: '2' },
  user_online: { type: 'user_online', payload: { users: [bob] } },
  user_offline: { type: 'user_offline', payload: { user_ids: [2] } },
  conversation_created: { type: 'conversation_created', payload: { conversation: dm }, id: '5' },
  history: { type: 'history', payload: { conversation_id: 1, messages: [hello], has_more: true }, id: '6' },
  caught_up: { type: 'caught_up', payload: { messages: [hello], has_more: false } },
  invite_created: { type: 'invite_created', payload: { code: 'pX3v9QeT2mWkL7bRz4sYaQ', url: 'https://chat.example/join/pX3v9QeT2mWkL7bRz4sYaQ' } },
  error: {
    type: 'error',
    payload: { message: 'Too many requests; slow down', code: 'rate_limited', retry_after_ms: 250 },
    id: '9',
  },
  pong: { type: 'pong', payload: {}, id: 'p' },
};

/** A frame as the wire carries it. */
export const frame = (value: unknown): string => JSON.stringify(value);
