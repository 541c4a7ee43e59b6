import { QUOTE_EXCERPT_LENGTH, type Message, type Quote } from '@hearth/protocol';
// The columns and their reading are SQL both dialects speak: one copy, SQLite's.
import { MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from '../sqlite/messages.js';
import type { AppendRefusal, MessageState, NewMessage } from '../store.js';
import { rows, run, type Conn } from './open.js';

const read = (name: string, where: string) => ({ name: `messages.${name}`, text: `SELECT ${MESSAGE_COLUMNS} FROM messages m ${QUOTE_JOIN} ${where}` });

// One statement for a batch, its rows numbered in the batch's order.
const INSERT_MANY = {
  name: 'messages.insert_many',
  text: `INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions)
    SELECT c, u, t, k, at, r, m
    FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[]) WITH ORDINALITY AS v(c, u, t, k, at, r, m, n)
    ORDER BY n
    ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id, user_id, client_id`,
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

/** The quote a reply carries, or why its target refuses it; undefined for a message that answers none. */
export async function replyQuote(on: Conn, input: NewMessage): Promise<Quote | AppendRefusal | undefined> {
  if (input.replyTo === undefined) return undefined;
  const [target] = await rows<[conversationId: number, userId: number, excerpt: string, deletedAt: number | null]>(on, TARGET, [input.replyTo]);
  if (target === undefined || target[0] !== input.conversationId) return 'reply_missing';
  if (target[3] !== null) return 'reply_deleted';
  return { user_id: target[1], excerpt: target[2] };
}

/**
 * Inserts messages in one statement, numbered in their order: each one's new id, or undefined where its (sender,
 * client_id) is stored already (earlier, or by an earlier row of the same batch). A row the database refuses throws,
 * and, in PostgreSQL, spoils the transaction: see append.ts.
 */
export async function insertMessages(on: Conn, inputs: readonly NewMessage[]): Promise<(number | undefined)[]> {
  const column = <T>(pick: (input: NewMessage) => T) => inputs.map(pick);
  const inserted = await rows<[id: number, userId: number, clientId: string]>(on, INSERT_MANY, [
    column((i) => i.conversationId),
    column((i) => i.userId),
    column((i) => i.content),
    column((i) => i.clientId),
    column((i) => i.createdAt),
    column((i) => i.replyTo ?? null),
    column((i) => json(i.mentions)),
  ]);
  const ids = new Map(inserted.map(([id, userId, clientId]) => [`${userId}:${clientId}`, id]));
  const seen = new Set<string>();
  return inputs.map((input) => {
    const key = `${input.userId}:${input.clientId}`;
    // A retry beside its original in one batch: only the first of the two was inserted.
    if (seen.has(key)) return undefined;
    seen.add(key);
    return ids.get(key);
  });
}

/** The message a new row holds, as the sender's reply and everyone's delivery tell it. */
export function newMessage(input: NewMessage, id: number, quote: Quote | undefined): Message {
  const message: Message = {
    id,
    conversation_id: input.conversationId,
    user_id: input.userId,
    content: input.content,
    client_id: input.clientId,
    created_at: input.createdAt,
  };
  if (input.replyTo !== undefined) Object.assign(message, { reply_to: input.replyTo, quote });
  if (json(input.mentions) !== null) message.mentions = [...input.mentions!];
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
