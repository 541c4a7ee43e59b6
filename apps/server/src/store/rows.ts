import { QUOTE_EXCERPT_LENGTH, type Attachment, type GroupEvent, type LinkPreview, type Message, type Quote, type Reaction, type Role, type User } from '@hearth/protocol';

// How rows are read into what the wire carries, in SQL both dialects speak.

/** What a User is read from, as SQL over `users u`. */
export const USER_COLUMNS = 'u.id, u.nickname, u.role, u.deactivated_at, u.status';

export type UserRow = [id: number, nickname: string, role: Role | null, deactivatedAt: number | null, status: string | null];

/** A user as the wire carries it: a role, deactivation or status only when there is one. */
export function toUser([id, nickname, role, deactivatedAt, status]: UserRow | Readonly<UserRow>): User {
  const user: User = { id, nickname };
  if (role !== null) user.role = role;
  if (deactivatedAt !== null) user.deactivated = true;
  if (status !== null) user.status = status;
  return user;
}

/**
 * What is read of a message, as SQL over `messages m LEFT JOIN messages o` (the message it answers, for its quote).
 * Rows are arrays: a history page is hot, and an array of columns costs less to make than an object with a key per
 * column. `toMessage` reads the columns in this order.
 */
export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.user_id, m.content, m.client_id, m.created_at, m.edited_at, m.deleted_at,
  m.reply_to_id, m.mentions, m.reactions, o.user_id, substr(o.content, 1, ${QUOTE_EXCERPT_LENGTH}), o.deleted_at, m.event, m.attachments, m.preview`;

/** The join `MESSAGE_COLUMNS` reads the quote through, after `messages m`. */
export const QUOTE_JOIN = 'LEFT JOIN messages o ON o.id = m.reply_to_id';

/** A row of `MESSAGE_COLUMNS`. */
export type MessageRow = [
  id: number,
  conversationId: number,
  userId: number,
  content: string,
  clientId: string,
  createdAt: number,
  editedAt: number | null,
  deletedAt: number | null,
  replyTo: number | null,
  mentions: string | null,
  reactions: string | null,
  quoteUserId: number | null,
  quoteExcerpt: string | null,
  quoteDeletedAt: number | null,
  event: string | null,
  attachments: string | null,
  preview: string | null,
];

/** A row as the wire carries it: optional fields only when they say something. */
export function toMessage(row: MessageRow): Message {
  const [id, conversation_id, user_id, content, client_id, created_at, editedAt, deletedAt, replyTo, mentions, reactions] = row;
  const message: Message = { id, conversation_id, user_id, content, client_id, created_at };
  if (editedAt !== null) message.edited_at = editedAt;
  if (deletedAt !== null) message.deleted = true;
  if (replyTo !== null) {
    message.reply_to = replyTo;
    if (row[11] !== null) message.quote = quoteOf(row[11], row[12] ?? '', row[13]);
  }
  if (mentions !== null) message.mentions = JSON.parse(mentions) as number[];
  if (reactions !== null) message.reactions = JSON.parse(reactions) as Reaction[];
  if (row[14] !== null) message.event = JSON.parse(row[14]) as GroupEvent;
  if (row[15] !== null) message.attachments = JSON.parse(row[15]) as Attachment[];
  if (row[16] !== null) message.preview = JSON.parse(row[16]) as LinkPreview;
  return message;
}

export function quoteOf(userId: number, excerpt: string, deletedAt: number | null): Quote {
  return deletedAt === null ? { user_id: userId, excerpt } : { user_id: userId, excerpt: '', deleted: true };
}

/** A list column: null when empty, so an absent field costs nothing to store or read. */
export const jsonList = (list: readonly unknown[] | undefined) => (list === undefined || list.length === 0 ? null : JSON.stringify(list));
