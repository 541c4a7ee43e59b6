import { QUOTE_EXCERPT_LENGTH, type Message, type Quote, type Reaction } from '@hearth/protocol';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from './open.js';
import { messages } from './schema.js';
import type { AppendRefusal, MessageState, NewMessage } from '../store.js';

/** The message a reply answers, joined to read its quote. */
const original = alias(messages, 'original');

/** What is read of a message: its own columns, and the start of the message it answers. */
export const messageColumns = {
  id: messages.id,
  conversation_id: messages.conversationId,
  user_id: messages.userId,
  content: messages.content,
  client_id: messages.clientId,
  created_at: messages.createdAt,
  edited_at: messages.editedAt,
  deleted_at: messages.deletedAt,
  reply_to: messages.replyToId,
  mentions: messages.mentions,
  reactions: messages.reactions,
  quote_user_id: original.userId,
  // substr counts characters, not bytes, in SQLite.
  quote_excerpt: sql<string | null>`substr(${original.content}, 1, ${sql.raw(String(QUOTE_EXCERPT_LENGTH))})`,
  quote_deleted_at: original.deletedAt,
};

/** The join that goes with `messageColumns`. */
export const originalJoin = [original, eq(original.id, messages.replyToId)] as const;

export type MessageRow = {
  id: number;
  conversation_id: number;
  user_id: number;
  content: string;
  client_id: string;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  reply_to: number | null;
  mentions: string | null;
  reactions: string | null;
  quote_user_id: number | null;
  quote_excerpt: string | null;
  quote_deleted_at: number | null;
};

/** A row as the wire carries it: optional fields only when they say something. */
export function toMessage(row: MessageRow): Message {
  const { id, conversation_id, user_id, content, client_id, created_at } = row;
  const message: Message = { id, conversation_id, user_id, content, client_id, created_at };
  if (row.edited_at !== null) message.edited_at = row.edited_at;
  if (row.deleted_at !== null) message.deleted = true;
  if (row.reply_to !== null) {
    message.reply_to = row.reply_to;
    if (row.quote_user_id !== null) message.quote = quoteOf(row.quote_user_id, row.quote_excerpt ?? '', row.quote_deleted_at);
  }
  if (row.mentions !== null) message.mentions = JSON.parse(row.mentions) as number[];
  if (row.reactions !== null) message.reactions = JSON.parse(row.reactions) as Reaction[];
  return message;
}

function quoteOf(userId: number, excerpt: string, deletedAt: number | null): Quote {
  return deletedAt === null ? { user_id: userId, excerpt } : { user_id: userId, excerpt: '', deleted: true };
}

const json = (list: readonly unknown[] | undefined) => (list === undefined || list.length === 0 ? null : JSON.stringify(list));

/** The prepared statements of the messages table. */
export class MessageRows {
  private readonly insertRow;
  private readonly byClientId;
  private readonly byId;
  private readonly before;
  private readonly after;
  private readonly newestRow;
  private readonly parents;
  private readonly target;
  private readonly update;

  constructor(db: Db) {
    const p = sql.placeholder;
    this.insertRow = db.$client.prepare<[number, number, string, string, number, number | null, string | null], { id: number }>(
      `INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id`,
    );
    const select = () => db.select(messageColumns).from(messages).leftJoin(...originalJoin);
    this.byClientId = select()
      .where(and(eq(messages.userId, p('userId')), eq(messages.clientId, p('clientId'))))
      .prepare();
    this.byId = select().where(eq(messages.id, p('id'))).prepare();
    this.before = select()
      .where(and(eq(messages.conversationId, p('conversationId')), lt(messages.id, p('before'))))
      .orderBy(desc(messages.id))
      .limit(p('limit'))
      .prepare();
    this.after = select()
      .where(and(eq(messages.conversationId, p('conversationId')), gt(messages.id, p('after'))))
      .orderBy(asc(messages.id))
      .limit(p('limit'))
      .prepare();
    this.newestRow = db.select({ id: sql<number>`coalesce(max(${messages.id}), 0)` }).from(messages).prepare();
    this.parents = db.$client.prepare<[number, number], { conversation: number; sender: number }>(
      'SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?) AS conversation, EXISTS (SELECT 1 FROM users WHERE id = ?) AS sender',
    );
    this.target = db.$client.prepare<[number], { conversation_id: number; user_id: number; excerpt: string; deleted_at: number | null }>(
      `SELECT conversation_id, user_id, substr(content, 1, ${QUOTE_EXCERPT_LENGTH}) AS excerpt, deleted_at FROM messages WHERE id = ?`,
    );
    this.update = db.$client.prepare<[string, number | null, number | null, string | null, string | null, number]>(
      'UPDATE messages SET content = ?, edited_at = ?, deleted_at = coalesce(deleted_at, ?), mentions = ?, reactions = ? WHERE id = ?',
    );
  }

  /**
   * Inserts a message, or returns undefined when its (sender, client_id) is already stored, or the reason its reply
   * target refuses it. A row the database refuses throws SQLITE_CONSTRAINT_*, and SQLite backs out that one
   * statement only: the transaction goes on.
   */
  insert(input: NewMessage): Message | AppendRefusal | undefined {
    let quote: Quote | undefined;
    if (input.replyTo !== undefined) {
      const target = this.target.get(input.replyTo);
      if (target === undefined || target.conversation_id !== input.conversationId) return 'reply_missing';
      if (target.deleted_at !== null) return 'reply_deleted';
      quote = quoteOf(target.user_id, target.excerpt, null);
    }
    const mentions = json(input.mentions);
    const row = this.insertRow.get(input.conversationId, input.userId, input.content, input.clientId, input.createdAt, input.replyTo ?? null, mentions);
    if (row === undefined) return undefined;
    const message: Message = {
      id: row.id,
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
  stored(userId: number, clientId: string): Message | undefined {
    const row = this.byClientId.get({ userId, clientId });
    return row === undefined ? undefined : toMessage(row);
  }

  get(id: number): Message | undefined {
    const row = this.byId.get({ id });
    return row === undefined ? undefined : toMessage(row);
  }

  /** Writes a message's changeable fields as `state` has them. */
  write(id: number, state: MessageState): void {
    this.update.run(state.content, state.editedAt ?? null, state.deletedAt ?? null, json(state.mentions), json(state.reactions), id);
  }

  /** Why an insert was refused: a foreign-key error does not say which row it missed, so look. Off the hot path. */
  whyRefused(message: NewMessage): AppendRefusal {
    const { conversation, sender } = this.parents.get(message.conversationId, message.userId)!;
    if (conversation === 0) return 'conversation_missing';
    if (sender === 0) return 'sender_missing';
    return 'constraint';
  }

  newestBefore(conversationId: number, before: number, limit: number): Message[] {
    return this.before.all({ conversationId, before, limit }).map(toMessage);
  }

  oldestAfter(conversationId: number, after: number, limit: number): Message[] {
    return this.after.all({ conversationId, after, limit }).map(toMessage);
  }

  newestId(): number {
    return this.newestRow.get()?.id ?? 0;
  }
}
