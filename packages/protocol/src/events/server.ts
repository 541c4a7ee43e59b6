import Type, { type Static } from 'typebox';
import { ERROR_CODES } from '../codes.js';
import { byType, list, ChangeFrame, changeEvent, event, OPEN, payload, Seq } from '../envelope.js';
import { Conversation, Id, Invite, InvitePolicy, Member, MemberState, Message, User, Device, Webhook } from '../models.js';

/** Open: a later version may add codes; a client treats a code it does not know as a plain failure. */
const Code = Type.Enum(ERROR_CODES, { [OPEN]: true });

export const AuthOk = event(
  'auth_ok',
  payload({
    user: User,
    /** The user's conversations, the lobby first. */
    conversations: Type.Array(Conversation),
    online_users: Type.Array(User),
    /**
     * Everyone on this server, for starting DMs and groups and naming senders; with `users_partial`, only the user
     * and the members of their DMs and groups.
     */
    users: Type.Array(User),
    /**
     * The server has more people than it sends at sign-in: `users` is partial, and `list_users` fetches the others
     * (a sender, a person to write to) when they are needed.
     */
    users_partial: Type.Optional(Type.Literal(true)),
    /** The newest message id on the server at sign-in (0 if none). Kept for clients of protocol 1; use `cursor`. */
    last_message_id: Type.Integer({ minimum: 0 }),
    /** The `seq` of the newest change at sign-in: everything this payload describes is as of this change. */
    cursor: Type.Optional(Seq),
    /** The protocol version the server speaks (`PROTOCOL_VERSION`). */
    protocol_version: Type.Optional(Type.Integer({ minimum: 1 })),
    /**
     * The user's state in each of their conversations, as of `cursor`: unread counts cover messages up to
     * `last_message_id`. A client counts later messages itself and ignores `member_state_updated` up to `cursor`.
     */
    member_states: Type.Optional(Type.Array(MemberState)),
    /** The server's Web Push (VAPID) public key, base64url: the `applicationServerKey` for `subscribe_push`. */
    push_key: Type.Optional(Type.String()),
    /** The session of this connection's token, as `list_sessions` names it. */
    session_id: Type.Optional(Id),
    /** Who may make invites. */
    invite_policy: Type.Optional(InvitePolicy),
  }),
);

export const AuthError = event('auth_error', payload({ message: Type.String(), code: Code }));

export const MessageEvent = changeEvent('message', Message);

/** A message was edited, deleted or reacted to: the message as it is now. */
export const MessageUpdated = changeEvent('message_updated', payload({ message: Message }));

/** A user's first connection opened. */
export const UserOnline = event('user_online', payload({ user: User }));

/** A user's last connection closed. */
export const UserOffline = event('user_offline', payload({ user_id: Id }));

export const ConversationCreated = changeEvent('conversation_created', payload({ conversation: Conversation }));

/**
 * The user's state in a conversation changed (read marker, notify level), on any of their devices. Its stream is the
 * user's own (`u<user id>`); only their connections hear it. Counts cover the messages sent before it.
 */
export const MemberStateUpdated = changeEvent('member_state_updated', payload({ state: MemberState }));

/**
 * Someone changed their nickname, or an admin changed their role or deactivated or reactivated them: the user as they
 * are now. A change told to everyone (stream `all`).
 */
export const UserUpdated = changeEvent('user_updated', payload({ user: User }));

/**
 * A group was renamed or its members changed: the conversation as it is now, told to its members. A user no longer
 * among `members` has left or was removed: they hear this once, in their own stream, and nothing of it after.
 */
export const ConversationUpdated = changeEvent('conversation_updated', payload({ conversation: Conversation }));

/** Reply to `list_sessions`, `revoke_session` and `revoke_other_sessions`: the user's devices now, newest first. */
export const Sessions = event('sessions', payload({ sessions: Type.Array(Device) }));

/** Reply to `create_bot` and `rotate_bot_key`: the bot and its key, a token shown this once and kept only hashed. */
export const BotKey = event('bot_key', payload({ user: User, token: Type.String() }));

/** Reply to `create_webhook`: the webhook and its URL, shown this once (only its token's hash is kept). */
export const WebhookCreated = event('webhook_created', payload({ webhook: Webhook, url: Type.String() }));

/** Reply to `set_bot_endpoint`: where the bot is told of messages now (null: nowhere), and the new secret. */
export const BotEndpoint = event(
  'bot_endpoint',
  payload({ user_id: Id, url: Type.Union([Type.String(), Type.Null()]), secret: Type.Optional(Type.String()) }),
);

/** Reply to `list_webhooks` and `delete_webhook`: every incoming webhook, newest first. */
export const Webhooks = event('webhooks', payload({ webhooks: Type.Array(Webhook) }));

/** Reply to `create_sign_in_link`: a link that signs a device in once as `user_id`, until `expires_at`. */
export const SignInLink = event('sign_in_link', payload({ user_id: Id, code: Type.String(), url: Type.String(), expires_at: Type.Integer({ minimum: 0 }) }));

/** Reply to `list_members`: everyone on the server, in order of joining. */
export const Members = event('members', payload({ members: Type.Array(Member) }));

/** Reply to `list_users`: people on the server, in order of id. */
export const Users = event(
  'users',
  payload({
    users: Type.Array(User),
    /** For a page of everyone: more remain, after the last id here. Always false for `ids`. */
    has_more: Type.Boolean(),
  }),
);

/**
 * Reply to `list_invites`, `revoke_invite` and `set_invite_policy`: a page of invites, newest first (the first page
 * but for `list_invites` with `before`), and who may invite. `has_more`: older invites remain (servers before paging
 * leave it out).
 */
export const Invites = event('invites', payload({ invites: Type.Array(Invite), policy: InvitePolicy, has_more: Type.Optional(Type.Boolean()) }));

/**
 * Who may invite changed (an admin's `set_invite_policy`), told to everyone online. Not a change: it carries no
 * `seq` and is never in a `caught_up` page; a client that reconnects reads `auth_ok.invite_policy`.
 */
export const InvitePolicyUpdated = event('invite_policy_updated', payload({ policy: InvitePolicy }));

/** Someone redeemed an invite: a new user, already in the lobby. */
export const UserJoined = changeEvent('user_joined', payload({ user: User }));

export const History = event(
  'history',
  payload({
    conversation_id: Id,
    messages: Type.Array(Message),
    /** Older messages remain. */
    has_more: Type.Boolean(),
    /** For a page `around` a message: newer messages remain after it. */
    has_newer: Type.Optional(Type.Boolean()),
  }),
);

/** Reply to `subscribe_push` and `unsubscribe_push`: whether this endpoint now gets the user's notifications. */
export const PushUpdated = event('push_updated', payload({ endpoint: Type.String(), subscribed: Type.Boolean() }));

/** Reply to `search`: one page of matching messages, newest first. */
export const SearchResults = event(
  'search_results',
  payload({
    /** The query as it was asked. */
    query: Type.String(),
    messages: Type.Array(Message),
    /** Older matches remain: ask again with `before` set to the last id here. */
    has_more: Type.Boolean(),
    /**
     * Changes the search index has yet to read, when it is behind: the newest messages (or edits) may not be found
     * yet. Absent when it is caught up.
     */
    index_behind: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
);

export const CaughtUp = event(
  'caught_up',
  payload({
    /** Changes after the requested cursor that this user may see, oldest first, each as it would arrive live. */
    changes: Type.Array(ChangeFrame),
    /** More remain: ask again with `after` set to `cursor`. */
    has_more: Type.Boolean(),
    /** The cursor to keep: every change up to it that this user may see is in this page or an earlier one. */
    cursor: Seq,
  }),
);

export const InviteCreated = event(
  'invite_created',
  payload({
    code: Type.String(),
    url: Type.String(),
    expires_at: Type.Optional(Type.Integer({ minimum: 0 })),
    max_uses: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
);

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

/**
 * Someone is writing in a conversation: shown for TYPING_SHOWN_MS unless another notice, or their message, comes
 * first. Not a change: it carries no `seq`, is sent only to members online, and never in a `caught_up` page.
 */
export const UserTyping = event('user_typing', payload({ conversation_id: Id, user_id: Id }));

const events = list(AuthOk,
  AuthError,
  MessageEvent,
  MessageUpdated,
  UserOnline,
  UserOffline,
  ConversationCreated,
  UserJoined,
  MemberStateUpdated,
  History,
  CaughtUp,
  InviteCreated,
  ErrorEvent,
  Pong,
  UserTyping,
  PushUpdated,
  SearchResults,
  UserUpdated,
  ConversationUpdated,
  Sessions,
  SignInLink,
  BotKey,
  WebhookCreated,
  Webhooks,
  BotEndpoint,
  Members,
  Invites,
  InvitePolicyUpdated,
  Users);

/** Every server → client event, keyed by its type. */
export const ServerEvents = byType(events);
export const ServerEvent = Type.Union(events);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];
export type ServerEventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;
export type ServerPayload<T extends ServerEventType> = ServerEventOf<T>['payload'];
