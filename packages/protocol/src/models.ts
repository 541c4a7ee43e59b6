import Type, { type Static } from 'typebox';
import { OPEN } from './envelope.js';
import { MAX_EMOJI_LENGTH, MAX_MENTIONS, MAX_REACTIONS_PER_MESSAGE } from './limits.js';

/** A positive database id. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** Seconds since the Unix epoch. */
export const Timestamp = Type.Integer({ minimum: 0 });

export const User = Type.Object(
  { id: Id, nickname: Type.String() },
  { additionalProperties: false },
);
export type User = Static<typeof User>;

/** Open: a later version may add types; clients should show a conversation of a type they do not know plainly. */
export const ConversationType = Type.Union([Type.Literal('lobby'), Type.Literal('dm'), Type.Literal('group')], { [OPEN]: true });
export type ConversationType = Static<typeof ConversationType>;

export const Conversation = Type.Object(
  {
    id: Id,
    type: ConversationType,
    /** Members of a DM or group; empty for the lobby, which everyone is in. */
    members: Type.Array(User),
    created_at: Timestamp,
    /** The newest message's id, for ordering conversations by activity; absent while it has none. */
    last_message_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type Conversation = Static<typeof Conversation>;

/** One emoji on a message and who put it there, in the order they did. */
export const Reaction = Type.Object(
  { emoji: Type.String({ minLength: 1, maxLength: MAX_EMOJI_LENGTH }), user_ids: Type.Array(Id, { minItems: 1 }) },
  { additionalProperties: false },
);
export type Reaction = Static<typeof Reaction>;

/** The start of the message a reply answers, as it is when the reply is read. */
export const Quote = Type.Object(
  {
    user_id: Id,
    /** The first characters of the original's content; empty when it was deleted. */
    excerpt: Type.String(),
    deleted: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type Quote = Static<typeof Quote>;

/**
 * A message as it is now. The optional fields appear only when they say something: a message never edited has no
 * `edited_at`, one without reactions no `reactions`.
 */
export const Message = Type.Object(
  {
    id: Id,
    conversation_id: Id,
    user_id: Id,
    /** As typed, trimmed; mentions are `<@user id>` tokens. Empty once deleted. */
    content: Type.String(),
    /** The sender's idempotency key from `send_message`. */
    client_id: Type.String(),
    created_at: Timestamp,
    /** When the content was last edited. */
    edited_at: Type.Optional(Timestamp),
    /** The sender took it back: the content is gone, the message stays in place. */
    deleted: Type.Optional(Type.Literal(true)),
    /** The message this one answers, in the same conversation. */
    reply_to: Type.Optional(Id),
    /** The start of the message it answers; present whenever `reply_to` is. */
    quote: Type.Optional(Quote),
    /** Members mentioned in the content, each once, in order of first mention. */
    mentions: Type.Optional(Type.Array(Id, { maxItems: MAX_MENTIONS })),
    /** Each emoji once, in the order it was first used. */
    reactions: Type.Optional(Type.Array(Reaction, { maxItems: MAX_REACTIONS_PER_MESSAGE })),
  },
  { additionalProperties: false },
);
export type Message = Static<typeof Message>;

/** Which messages of a conversation raise a notification: every one, those mentioning the user, or none. */
export const NotifyLevel = Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')], { [OPEN]: true });
export type NotifyLevel = Static<typeof NotifyLevel>;

/**
 * The user's own state in one of their conversations, shared by all their devices: how far they have read, what is
 * unread (others' messages after `last_read_id`, not deleted, counted up to UNREAD_COUNT_MAX), and what notifies them.
 */
export const MemberState = Type.Object(
  {
    conversation_id: Id,
    /** The newest message the user has seen; 0 when none. Only ever moves forward. */
    last_read_id: Type.Integer({ minimum: 0 }),
    unread: Type.Integer({ minimum: 0 }),
    /** Unread messages that mention the user. */
    mentions: Type.Integer({ minimum: 0 }),
    notify: NotifyLevel,
  },
  { additionalProperties: false },
);
export type MemberState = Static<typeof MemberState>;

/**
 * What a Web Push message carries, encrypted for the device: the notification to show, and the conversation a click
 * opens. Not a frame: the browser's service worker receives it from the push service.
 */
export const PushNotification = Type.Object(
  { conversation_id: Id, message_id: Id, title: Type.String(), body: Type.String() },
  { additionalProperties: false },
);
export type PushNotification = Static<typeof PushNotification>;
