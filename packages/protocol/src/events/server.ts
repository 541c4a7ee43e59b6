import Type, { type Static } from 'typebox';
import { ERROR_CODES } from '../codes.js';
import { event, payload } from '../envelope.js';
import { Conversation, Id, Message, User } from '../models.js';

const Code = Type.Enum(ERROR_CODES);

export const AuthOk = event(
  'auth_ok',
  payload({
    user: User,
    /** The user's conversations, the lobby first. */
    conversations: Type.Array(Conversation),
    online_users: Type.Array(User),
    /** Everyone on this server, for starting DMs and groups and naming senders. */
    users: Type.Array(User),
    /** The newest message id on the server at sign-in (0 if none): a fresh client's catch-up cursor. */
    last_message_id: Type.Integer({ minimum: 0 }),
  }),
);

export const AuthError = event('auth_error', payload({ message: Type.String(), code: Code }));

export const MessageEvent = event('message', Message);

// Presence changes are gathered for a moment and told in one frame, so a crowd signing in at once costs each
// connection a few frames rather than one per newcomer.
export const UserOnline = event(
  'user_online',
  payload({
    /** Who came online since the last presence news, each once. */
    users: Type.Array(User, { minItems: 1 }),
  }),
);

export const UserOffline = event(
  'user_offline',
  payload({
    /** Who went offline since the last presence news, each once. */
    user_ids: Type.Array(Id, { minItems: 1 }),
  }),
);

export const ConversationCreated = event('conversation_created', payload({ conversation: Conversation }));

export const History = event(
  'history',
  payload({ conversation_id: Id, messages: Type.Array(Message), has_more: Type.Boolean() }),
);

export const CaughtUp = event(
  'caught_up',
  payload({
    /** Missed messages across all the user's conversations, oldest first. */
    messages: Type.Array(Message),
    /** More remain: ask again with `after` set to the last id of this page. */
    has_more: Type.Boolean(),
  }),
);

export const InviteCreated = event('invite_created', payload({ code: Type.String(), url: Type.String() }));

export const ErrorEvent = event(
  'error',
  payload({
    message: Type.String(),
    code: Code,
    /** JSON pointer to the offending field, for `invalid_payload`. */
    path: Type.Optional(Type.String()),
    /** For `rate_limited`: milliseconds until a request will be accepted again. */
    retry_after_ms: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
);

export const Pong = event('pong', payload({}));

/** Every server → client event, keyed by its type. */
export const ServerEvents = {
  auth_ok: AuthOk,
  auth_error: AuthError,
  message: MessageEvent,
  user_online: UserOnline,
  user_offline: UserOffline,
  conversation_created: ConversationCreated,
  history: History,
  caught_up: CaughtUp,
  invite_created: InviteCreated,
  error: ErrorEvent,
  pong: Pong,
} as const;

export const ServerEvent = Type.Union([
  AuthOk,
  AuthError,
  MessageEvent,
  UserOnline,
  UserOffline,
  ConversationCreated,
  History,
  CaughtUp,
  InviteCreated,
  ErrorEvent,
  Pong,
]);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];
export type ServerEventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;
export type ServerPayload<T extends ServerEventType> = ServerEventOf<T>['payload'];
export const SERVER_EVENT_TYPES = Object.keys(ServerEvents) as ServerEventType[];
