import { QUOTE_EXCERPT_LENGTH, type Message, type Quote } from '@hearth/protocol';
// The columns and their reading are SQL both dialects speak: one copy, SQLite's.
import { MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from '../sqlite/messages.js';
import type { AppendRefusal, MessageState, NewMessage } from '../store.js';
import { rows, run, type Conn } from './open.js';

const read = (name: string, where: string) => ({ name: `messages.${name}`, text: `SELECT ${MESSAGE_COLUMNS} FROM messages m ${QUOTE_JOIN} ${where}` });

const INSERT = {
  name: 'messages.insert',
  text: `INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id`,
};
const BY_CLIENT_ID = read('by_client_id', 'WHERE m.user_id = $1 AND m.client_id = $2');
const BY_ID = read('by_id', 'WHERE m.id = $1');
const BEFORE = read('before', 'WHERE m.conversation_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3');
const AFTER = read('after', 'WHERE m.conversation_id = $1 AND m.id > $2 ORDER BY m.id ASC LIMIT $3');
const TARGET = {
  name: 'messages.target',
  text: `SELECT conversation_id, user_id, substr(content, 1, ${QUOTE_EXCERPT_LENGTH}), deleted_at FROM messages WHERE id = $1`,
};
const UPDATE = {
  name: 'messages.update',
  text: 'UPDATE messages SET content = $1, edited_at = $2, deleted_at = coalesce(deleted_at, $3), mentions = $4, reactions = $5 WHERE id = $6',
};
const PARENTS = {
  name: 'messages.parents',
  text: 'SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1), EXISTS (SELECT 1 FROM users WHERE id = $2)',
};
const NEWEST = { name: 'messages.newest', text: 'SELECT coalesce(max(id), 0) FROM messages' };

const json = (list: readonly unknown[] | undefined) => (list === undefined || list.length === 0 ? null : JSON.stringify(list));

/**
 * Inserts a message, or returns undefined when its (sender, client_id) is already stored, or the reason its reply
 * target refuses it. A row the database refuses throws (and, in PostgreSQL, spoils the transaction: see
 * PostgresStore.appendMessages).
 */
export async function insertMessage(on: Conn, input: NewMessage): Promise<Message | AppendRefusal | undefined> {
  let quote: Quote | undefined;
  if (input.replyTo !== undefined) {
    const [target] = await rows<[conversationId: number, userId: number, excerpt: string, deletedAt: number | null]>(on, TARGET, [input.replyTo]);
    if (target === undefined || target[0] !== input.conversationId) return 'reply_missing';
    if (target[3] !== null) return 'reply_deleted';
    quote = { user_id: target[1], excerpt: target[2] };
  }
  const mentions = json(input.mentions);
  const values = [input.conversationId, input.userId, input.content, input.clientId, input.createdAt, input.replyTo ?? null, mentions];
  const [row] = await rows<[id: number]>(on, INSERT, values);
  if (row === undefined) return undefined;
  const message: Message = {
    id: row[0],
    conversation_id: input.conversationId,
    user_id: input.userId,
    content: input.content,
    client_id: input.clientId,
    created_at: input.createdAt,
  };
  if (input.replyTo !== undefined) Object.assign(message, { reply_to: input.replyTo, quote });
  if (mentions !== null) message.mentions = [...input.mentions!];
  return message;
}

/** The message stored under a sender's client_id; inside a transaction it sees that transaction's own rows. */
export async function storedMessage(on: Conn, userId: number, clientId: string): Promise<Message | undefined> {
  const [row] = await rows<MessageRow>(on, BY_CLIENT_ID, [userId, clientId]);
  return row === undefined ? undefined : toMessage(row);
}

export async function messageById(on: Conn, id: number): Promise<Message | undefined> {
  const [row] = await rows<MessageRow>(on, BY_ID, [id]);
  return row === undefined ? undefined : toMessage(row);
}

/** Writes a message's changeable fields as `state` has them. */
export async function writeMessage(on: Conn, id: number, state: MessageState): Promise<void> {
  await run(on, UPDATE, [state.content, state.editedAt ?? null, state.deletedAt ?? null, json(state.mentions), json(state.reactions), id]);
}

/** Why an insert was refused: a foreign-key error names a constraint, not the row it missed, so look. */
export async function whyRefused(on: Conn, message: NewMessage): Promise<AppendRefusal> {
  const [[conversation, sender]] = (await rows<[boolean, boolean]>(on, PARENTS, [message.conversationId, message.userId])) as [[boolean, boolean]];
  if (!conversation) return 'conversation_missing';
  if (!sender) return 'sender_missing';
  return 'constraint';
}

export async function messagesBefore(on: Conn, conversationId: number, before: number, limit: number): Promise<Message[]> {
  return (await rows<MessageRow>(on, BEFORE, [conversationId, before, limit])).map(toMessage);
}

export async function messagesAfter(on: Conn, conversationId: number, after: number, limit: number): Promise<Message[]> {
  return (await rows<MessageRow>(on, AFTER, [conversationId, after, limit])).map(toMessage);
}

export async function newestMessageId(on: Conn): Promise<number> {
  return (await rows<[number]>(on, NEWEST, []))[0]![0];
}
