import Type, { type Static } from 'typebox';
import { OPEN } from './envelope.js';
import { FILE_ID_LENGTH, MAX_ATTACHMENTS, MAX_CONTENT_LENGTH, MAX_PLACEHOLDER_LENGTH, MAX_PREVIEW_DESCRIPTION_LENGTH, MAX_PREVIEW_TITLE_LENGTH, MAX_EMOJI_LENGTH, MAX_FILE_NAME_LENGTH, MAX_GROUP_MEMBERS, MAX_GROUP_TITLE_LENGTH, MAX_MENTIONS, MAX_REACTIONS_PER_MESSAGE, MAX_STATUS_LENGTH } from './limits.js';

/** A positive database id. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** Seconds since the Unix epoch. */
export const Timestamp = Type.Integer({ minimum: 0 });

/** What someone may administer: the owner (the first to join) everything, admins members; absent for a member. */
export const Role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('bot')], { [OPEN]: true });
export type Role = Static<typeof Role>;

export const User = Type.Object(
  {
    id: Id,
    nickname: Type.String(),
    role: Type.Optional(Role),
    /** An admin deactivated the account: it cannot sign in, and its messages stay. */
    deactivated: Type.Optional(Type.Literal(true)),
    /** What they say they are up to (`set_status`); absent when they said nothing. */
    status: Type.Optional(Type.String({ maxLength: MAX_STATUS_LENGTH })),
  },
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
    /** A group's name, when its members gave it one. */
    title: Type.Optional(Type.String({ maxLength: MAX_GROUP_TITLE_LENGTH })),
    /** Who made the group: they (and admins) may remove its members. */
    created_by: Type.Optional(Id),
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

/** An uploaded file's id: 128 random bits in base64url, unguessable, so knowing one is no way to find another. */
export const FileId = Type.String({ minLength: FILE_ID_LENGTH, maxLength: FILE_ID_LENGTH, pattern: '^[A-Za-z0-9_-]+$' });

/**
 * A file as a message carries it (and as an upload answers). `type` is decided by the server from the file's bytes,
 * never from its name or what the uploader said; a file whose type it cannot tell is `application/octet-stream`.
 */
export const Attachment = Type.Object(
  {
    id: FileId,
    /** The name it was uploaded with, as shown and as the download's file name. */
    name: Type.String({ minLength: 1, maxLength: MAX_FILE_NAME_LENGTH }),
    /** Bytes. */
    size: Type.Integer({ minimum: 1 }),
    /** A media type such as `image/png`. */
    type: Type.String(),
    /**
     * An image's size in pixels as shown (its orientation applied), once the server has prepared it: a picture the
     * server prepares (`isPreparedImage`) and has no size yet is still being prepared, and a `message_updated` brings it.
     */
    width: Type.Optional(Type.Integer({ minimum: 1 })),
    height: Type.Optional(Type.Integer({ minimum: 1 })),
    /** A few bytes that draw a blurred likeness of the image (a ThumbHash, base64) while its thumbnail loads. */
    placeholder: Type.Optional(Type.String({ maxLength: MAX_PLACEHOLDER_LENGTH })),
    /** A smaller copy of the image is served (`?size=thumbnail`, or `FileLink.thumbnail_url`). */
    thumbnail: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type Attachment = Static<typeof Attachment>;

/** An incoming webhook: a secret URL that posts into one conversation as one bot (`POST /api/hooks/<token>`). */
export const Webhook = Type.Object({
  id: Id,
  bot_id: Id,
  conversation_id: Id,
  created_at: Type.Integer({ minimum: 0 }),
});
export type Webhook = Static<typeof Webhook>;

/**
 * A page a message links to, as the server read it (its Open Graph tags, else its title and description): shown
 * under the message so people see where a link goes before opening it. Its picture is a copy the server made, so
 * reading a message tells no other site who read it.
 */
export const LinkPreview = Type.Object(
  {
    /** The link as the message has it. */
    url: Type.String({ maxLength: MAX_CONTENT_LENGTH }),
    title: Type.String({ minLength: 1, maxLength: MAX_PREVIEW_TITLE_LENGTH }),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PREVIEW_DESCRIPTION_LENGTH })),
    /** The site's own name for itself, else its host. */
    site: Type.String({ minLength: 1, maxLength: MAX_PREVIEW_TITLE_LENGTH }),
    /**
     * The page's picture (`og:image`), fetched by the server and kept as a small WebP file of the message: read like
     * its attachments (`GET /api/files/<id>/link`), so no reader's browser ever asks the other site.
     */
    image: Type.Optional(Type.Object({ id: FileId, width: Type.Integer({ minimum: 1 }), height: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type LinkPreview = Static<typeof LinkPreview>;

/**
 * What a group change line tells of. Open: a later version may tell of more kinds of change; a client shows a line
 * of a kind it does not know by its `content`.
 */
export const GroupEventKind = Type.Union(
  [Type.Literal('added'), Type.Literal('removed'), Type.Literal('left'), Type.Literal('renamed')],
  { [OPEN]: true },
);
export type GroupEventKind = Static<typeof GroupEventKind>;

/**
 * A change to a group told in its conversation, by the member who made it (the message's sender): who was added or
 * removed, who left, what it was renamed to. Stored with the change itself, so members see it live, in history and
 * in catch-up, and nobody outside the group ever does.
 */
export const GroupEvent = Type.Object(
  {
    kind: GroupEventKind,
    /** `added`: who was added; `removed`: who was removed. */
    users: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: MAX_GROUP_MEMBERS })),
    /** `renamed`: the group's new name; absent when the name was taken away. */
    title: Type.Optional(Type.String({ maxLength: MAX_GROUP_TITLE_LENGTH })),
  },
  { additionalProperties: false },
);
export type GroupEvent = Static<typeof GroupEvent>;

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
    /**
     * A line telling of a change to the group rather than something said: `content` says it in words for clients
     * that do not know the field. It is never unread, mentions nobody, and cannot be edited, deleted, answered or
     * reacted to.
     */
    event: Type.Optional(GroupEvent),
    /** Files sent with it, in the order the sender gave them; gone once it is deleted. */
    attachments: Type.Optional(Type.Array(Attachment, { minItems: 1, maxItems: MAX_ATTACHMENTS })),
    /** What its first link leads to, fetched by the server after it was sent; gone once its sender removes it. */
    preview: Type.Optional(LinkPreview),
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

/** One device signed in as the user: the session its token belongs to. */
export const Device = Type.Object(
  {
    id: Id,
    /** The device as it named itself when it signed in, such as "Firefox on Linux". */
    label: Type.String(),
    created_at: Timestamp,
    /** When the device was last connected (to within a minute). */
    last_used_at: Timestamp,
    /** The session of the connection that asked. */
    current: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type Device = Static<typeof Device>;

/** Who may make invites: everyone, or only admins and the owner. */
export const InvitePolicy = Type.Union([Type.Literal('everyone'), Type.Literal('admins')], { [OPEN]: true });
export type InvitePolicy = Static<typeof InvitePolicy>;

/** An invite as admins see it. It can be redeemed while not revoked, not expired and not used up. */
export const Invite = Type.Object(
  {
    code: Type.String(),
    url: Type.String(),
    /** Absent for the invite made at first start. */
    created_by: Type.Optional(Id),
    created_at: Timestamp,
    /** Absent: it never expires. */
    expires_at: Type.Optional(Timestamp),
    /** Absent: any number of people may join with it. */
    max_uses: Type.Optional(Type.Integer({ minimum: 1 })),
    uses: Type.Integer({ minimum: 0 }),
    revoked: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type Invite = Static<typeof Invite>;

/** A member as admins see them: when they joined, when a device of theirs was last connected, how many they have. */
export const Member = Type.Object(
  {
    user: User,
    joined_at: Timestamp,
    /** Absent when no device of theirs has connected. */
    last_active_at: Type.Optional(Timestamp),
    online: Type.Boolean(),
    sessions: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Member = Static<typeof Member>;
