import { QUOTE_EXCERPT_LENGTH, type Message, type Quote, type Reaction } from '@hearth/protocol';
import { sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { messages } from './schema.js';
import type { AppendRefusal, MessageState, NewMessage } from '../store.js';

/**
 * What is read of a message, as SQL over `messages m LEFT JOIN messages o` (the message it answers, for its quote).
 * Reads take rows as arrays (better-sqlite3's raw mode): a history page is hot, and an array of columns costs less
 * to make than an object with a key per column. `toMessage` reads the columns in this order.
 */
export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.user_id, m.content, m.client_id, m.created_at, m.edited_at, m.deleted_at,
  m.reply_to_id, m.mentions, m.reactions, o.user_id, substr(o.content, 1, ${QUOTE_EXCERPT_LENGTH}), o.deleted_at`;

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
    this.insertRow = db.$client.prepare<[number, number, string, string, number, number | null, string | null], { id: number }>(
      `INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id`,
    );
    const read = <P extends unknown[]>(where: string) =>
      db.$client.prepare<P, MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m ${QUOTE_JOIN} ${where}`).raw(true);
    this.byClientId = read<[number, string]>('WHERE m.user_id = ? AND m.client_id = ?');
    this.byId = read<[number]>('WHERE m.id = ?');
    this.before = read<[number, number, number]>('WHERE m.conversation_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?');
    this.after = read<[number, number, number]>('WHERE m.conversation_id = ? AND m.id > ? ORDER BY m.id ASC LIMIT ?');
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
    const row = this.byClientId.get(userId, clientId);
    return row === undefined ? undefined : toMessage(row);
  }

  get(id: number): Message | undefined {
    const row = this.byId.get(id);
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
    return this.before.all(conversationId, before, limit).map(toMessage);
  }

  oldestAfter(conversationId: number, after: number, limit: number): Message[] {
    return this.after.all(conversationId, after, limit).map(toMessage);
  }

  newestId(): number {
    return this.newestRow.get()?.id ?? 0;
  }
}
