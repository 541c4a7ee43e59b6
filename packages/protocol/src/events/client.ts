import Type, { type Static } from 'typebox';
import { byType, list, event, payload, Seq } from '../envelope.js';
import {
  CATCH_UP_PAGE_MAX,
  HISTORY_PAGE_MAX,
  MAX_ATTACHMENTS,
  MAX_CLIENT_ID_LENGTH,
  MAX_CONTENT_LENGTH,
  INVITES_PAGE_MAX,
  MAX_EMOJI_LENGTH,
  MAX_GROUP_MEMBERS,
  INVITE_MAX_USES_MAX,
  INVITE_TTL_MAX_S,
  MAX_GROUP_TITLE_LENGTH,
  MAX_TOKEN_LENGTH,
  SEARCH_PAGE_MAX,
  MAX_PUSH_ENDPOINT_LENGTH,
  SEARCH_QUERY_MAX_LENGTH,
  USERS_PAGE_MAX,
} from '../limits.js';
import { FileId, Id, InvitePolicy, NotifyLevel } from '../models.js';

export const Auth = event('auth', payload({ token: Type.String({ minLength: 1, maxLength: MAX_TOKEN_LENGTH }) }));

export const SendMessage = event(
  'send_message',
  payload({
    conversation_id: Id,
    content: Type.String({ maxLength: MAX_CONTENT_LENGTH }),
    /** Idempotency key: a retry with the same key returns the stored message instead of storing another. */
    client_id: Type.String({ minLength: 1, maxLength: MAX_CLIENT_ID_LENGTH }),
    /** The message this one answers, in the same conversation. */
    reply_to: Type.Optional(Id),
    /** Files the sender uploaded (`POST /api/files`) and has not sent yet; with them, `content` may be empty. */
    attachments: Type.Optional(Type.Array(FileId, { minItems: 1, maxItems: MAX_ATTACHMENTS, uniqueItems: true })),
  }),
);

export const EditMessage = event(
  'edit_message',
  payload({ message_id: Id, content: Type.String({ maxLength: MAX_CONTENT_LENGTH }) }),
);

export const DeleteMessage = event('delete_message', payload({ message_id: Id }));

/** The sender takes the link preview off their message. */
export const RemovePreview = event('remove_preview', payload({ message_id: Id }));

const Emoji = Type.String({ minLength: 1, maxLength: MAX_EMOJI_LENGTH });

export const AddReaction = event('add_reaction', payload({ message_id: Id, emoji: Emoji }));

export const RemoveReaction = event('remove_reaction', payload({ message_id: Id, emoji: Emoji }));

export const CreateDm = event('create_dm', payload({ user_id: Id }));

export const CreateGroup = event(
  'create_group',
  payload({ user_ids: Type.Array(Id, { minItems: 1, maxItems: MAX_GROUP_MEMBERS * 2 }) }),
);

export const LoadHistory = event(
  'load_history',
  payload({
    conversation_id: Id,
    /** Return messages with an id lower than this; newest page when left out. */
    before: Type.Optional(Id),
    /** Instead of `before`: the page around this message, which it holds, with `has_newer`. */
    around: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX })),
  }),
);

export const CatchUp = event(
  'catch_up',
  payload({
    /** The client's cursor: the `seq` of the last change it has, from `auth_ok.cursor` or `caught_up.cursor`. */
    after: Seq,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CATCH_UP_PAGE_MAX })),
  }),
);

/** Refused with `forbidden` for a member when the invite policy is `admins`. */
export const CreateInvite = event(
  'create_invite',
  payload({
    /** Seconds until it expires; INVITE_TTL_DEFAULT_S when left out. */
    expires_in: Type.Optional(Type.Integer({ minimum: 60, maximum: INVITE_TTL_MAX_S })),
    /** How many people may join with it; one when left out. */
    max_uses: Type.Optional(Type.Integer({ minimum: 1, maximum: INVITE_MAX_USES_MAX })),
  }),
);

export const Ping = event('ping', payload({}));

/**
 * The user is writing in a conversation. No reply: the members online hear `user_typing`, nothing is stored, and
 * notices past TYPING_NOTICE_INTERVAL_MS per conversation are dropped quietly.
 */
export const Typing = event('typing', payload({ conversation_id: Id }));

/**
 * The user has seen a conversation up to a message. Moves their read marker forward (never back, never past the
 * conversation's newest message); every device of theirs hears `member_state_updated`.
 */
export const MarkRead = event('mark_read', payload({ conversation_id: Id, message_id: Id }));

/** Chooses which messages of a conversation notify the user. */
export const SetNotify = event('set_notify', payload({ conversation_id: Id, notify: NotifyLevel }));

const PushEndpoint = Type.String({ minLength: 1, maxLength: MAX_PUSH_ENDPOINT_LENGTH });

/**
 * Asks for Web Push notifications on this device while none of the user's connections is open: the browser's push
 * subscription (`PushSubscription.toJSON()`), made with `auth_ok.push_key`. Subscribing the same endpoint again
 * changes nothing.
 */
export const SubscribePush = event(
  'subscribe_push',
  payload({
    endpoint: PushEndpoint,
    keys: payload({ p256dh: Type.String({ minLength: 1, maxLength: 200 }), auth: Type.String({ minLength: 1, maxLength: 100 }) }),
  }),
);

/**
 * Changes the user's nickname, by the same rules as joining (see API_CONTRACT.md, "Nicknames"). Everyone hears
 * `user_updated`; messages name their sender by id, so old ones show the new name.
 */
export const SetNickname = event('set_nickname', payload({ nickname: Type.String({ maxLength: 256 }) }));

/**
 * Sets the short status the user shows beside their name ("On holiday until Monday"); an empty one clears it. Everyone
 * hears `user_updated`.
 */
export const SetStatus = event('set_status', payload({ status: Type.String({ maxLength: 256 }) }));

/** Stops Web Push notifications to one of the user's push subscriptions. */
export const UnsubscribePush = event('unsubscribe_push', payload({ endpoint: PushEndpoint }));

/**
 * Full-text search over the messages the user may read, newest first. Words are matched whole, ignoring case and
 * accents, and all must appear; the last also matches words it begins (see API_CONTRACT.md, `search`).
 */
export const Search = event(
  'search',
  payload({
    query: Type.String({ maxLength: SEARCH_QUERY_MAX_LENGTH }),
    /** Only this conversation. */
    conversation_id: Type.Optional(Id),
    /** Only messages this user sent. */
    user_id: Type.Optional(Id),
    /** Only messages with an id lower than this: the last id of the page before. */
    before: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_PAGE_MAX })),
  }),
);

/** The user's devices: one session each. */
export const ListSessions = event('list_sessions', payload({}));

/** Signs one of the user's devices out: its token stops working and its connections close (4007). */
export const RevokeSession = event('revoke_session', payload({ session_id: Id }));

/** Signs out every device of the user but the one asking. */
export const RevokeOtherSessions = event('revoke_other_sessions', payload({}));

/**
 * A one-time link that signs another device in, valid for SIGN_IN_LINK_TTL_S. With `user_id` (admins only, for
 * someone they outrank), it recovers a member's account who lost their devices.
 */
export const CreateSignInLink = event('create_sign_in_link', payload({ user_id: Type.Optional(Id) }));

/**
 * People on the server, for a client whose `auth_ok.users` was partial. With `ids`: those people (ids nobody has
 * are left out). Without: a page of everyone in order of id, starting after `after`.
 */
export const ListUsers = event(
  'list_users',
  payload({
    ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: USERS_PAGE_MAX })),
    /** The last id of the page before; the first page when left out. */
    after: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: USERS_PAGE_MAX })),
  }),
);

/** Admins: everyone on the server with their last activity. */
export const ListMembers = event('list_members', payload({}));

/** The owner makes a member an admin, or an admin a member again. */
export const SetRole = event('set_role', payload({ user_id: Id, role: Type.Union([Type.Literal('admin'), Type.Literal('member')]) }));

/** Admins: the account can no longer sign in; its sessions are revoked and its connections close (4008). */
export const DeactivateUser = event('deactivate_user', payload({ user_id: Id }));

/**
 * Admins: a bot account, a member with role `bot` for a program to sign in as; the reply carries its key (a token),
 * shown this once. Deleting a bot is deactivating it (`deactivate_user`): its key stops at once, its messages stay.
 */
export const CreateBot = event('create_bot', payload({ nickname: Type.String({ maxLength: 256 }) }));

/** Admins: a bot's new key; its old key stops working at once and its connections close. */
export const RotateBotKey = event('rotate_bot_key', payload({ user_id: Id }));

/** Admins: a bot's new name, by the rules of `set_nickname`. */
export const RenameBot = event('rename_bot', payload({ user_id: Id, nickname: Type.String({ maxLength: 256 }) }));

/** Admins: a new incoming webhook, posting as the bot into a conversation it is a member of; its URL is shown once. */
export const CreateWebhook = event('create_webhook', payload({ bot_id: Id, conversation_id: Id }));

/**
 * Admins: where the bot is told of each message that mentions it or reaches it in a DM (an outgoing webhook), or
 * `null` to stop. The reply carries the secret the requests are signed with, shown this once.
 */
export const SetBotEndpoint = event('set_bot_endpoint', payload({ user_id: Id, url: Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()]) }));

/** Admins: every incoming webhook. */
export const ListWebhooks = event('list_webhooks', payload({}));

/** Admins: the webhook's URL stops working at once. */
export const DeleteWebhook = event('delete_webhook', payload({ webhook_id: Id }));

/** Admins: a deactivated account may sign in again, through a sign-in link (its old sessions stay revoked). */
export const ReactivateUser = event('reactivate_user', payload({ user_id: Id }));

/**
 * A page of the invites made, newest first, and who may invite. Anyone but an admin is answered with the invites they
 * made. `before` is the code of the last invite of the page before (the reply's `has_more` says whether to ask).
 */
export const ListInvites = event(
  'list_invites',
  payload({
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: INVITES_PAGE_MAX })),
  }),
);

/** Admins: the invite can no longer be redeemed. */
export const RevokeInvite = event('revoke_invite', payload({ code: Type.String({ minLength: 1, maxLength: 64 }) }));

/** Admins: who may make invites. */
export const SetInvitePolicy = event('set_invite_policy', payload({ policy: InvitePolicy }));

const GroupTitle = Type.String({ maxLength: MAX_GROUP_TITLE_LENGTH * 4 });

/** Any member names a group (an empty title removes the name). */
export const RenameGroup = event('rename_group', payload({ conversation_id: Id, title: GroupTitle }));

/** Any member adds people to a group, up to MAX_GROUP_MEMBERS; they see its history. */
export const AddMembers = event('add_members', payload({ conversation_id: Id, user_ids: Type.Array(Id, { minItems: 1, maxItems: MAX_GROUP_MEMBERS }) }));

/** The group's creator, or an admin, removes a member: they get none of its later changes. */
export const RemoveMember = event('remove_member', payload({ conversation_id: Id, user_id: Id }));

/** Leaves a group. */
export const LeaveConversation = event('leave_conversation', payload({ conversation_id: Id }));

const events = list(
  Auth,
  SendMessage,
  EditMessage,
  DeleteMessage,
  RemovePreview,
  AddReaction,
  RemoveReaction,
  CreateDm,
  CreateGroup,
  LoadHistory,
  CatchUp,
  CreateInvite,
  Ping,
  Typing,
  MarkRead,
  SetNotify,
  SubscribePush,
  UnsubscribePush,
  SetNickname,
  CreateBot,
  RotateBotKey,
  RenameBot,
  CreateWebhook,
  ListWebhooks,
  DeleteWebhook,
  SetBotEndpoint,
  Search,
  ListSessions,
  RevokeSession,
  RevokeOtherSessions,
  CreateSignInLink,
  ListMembers,
  SetRole,
  DeactivateUser,
  ReactivateUser,
  ListInvites,
  RevokeInvite,
  SetInvitePolicy,
  SetStatus,
  RenameGroup,
  AddMembers,
  RemoveMember,
  LeaveConversation,
  ListUsers,
);

/** Every client → server event, keyed by its type. */
export const ClientEvents = byType(events);
export const ClientEvent = Type.Union(events);
export type ClientEvent = Static<typeof ClientEvent>;
export type ClientEventType = ClientEvent['type'];
export type ClientEventOf<T extends ClientEventType> = Extract<ClientEvent, { type: T }>;
export type ClientPayload<T extends ClientEventType> = ClientEventOf<T>['payload'];
