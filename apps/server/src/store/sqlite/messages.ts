import type { Message } from '@hearth/protocol';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { messages } from './schema.js';
import type { AppendRefusal, NewMessage } from '../store.js';

/** A message's columns under their wire names, so rows are Messages without a mapping step. */
export const messageColumns = {
  id: messages.id,
  conversation_id: messages.conversationId,
  user_id: messages.userId,
  content: messages.content,
  client_id: messages.clientId,
  created_at: messages.createdAt,
};

/** The prepared statements of the messages table. */
export class MessageRows {
  private readonly insertRow;
  private readonly byClientId;
  private readonly before;
  private readonly newestRow;
  private readonly parents;

  constructor(db: Db) {
    const p = sql.placeholder;
    this.insertRow = db
      .insert(messages)
      .values({
        conversationId: p('conversationId'),
        userId: p('userId'),
        content: p('content'),
        clientId: p('clientId'),
        createdAt: p('createdAt'),
      })
      .onConflictDoNothing({ target: [messages.userId, messages.clientId] })
      .returning(messageColumns)
      .prepare();
    this.byClientId = db
      .select(messageColumns)
      .from(messages)
      .where(and(eq(messages.userId, p('userId')), eq(messages.clientId, p('clientId'))))
      .prepare();
    this.before = db
      .select(messageColumns)
      .from(messages)
      .where(and(eq(messages.conversationId, p('conversationId')), lt(messages.id, p('before'))))
      .orderBy(desc(messages.id))
      .limit(p('limit'))
      .prepare();
    this.newestRow = db.select({ id: sql<number>`coalesce(max(${messages.id}), 0)` }).from(messages).prepare();
    this.parents = db.$client.prepare<[number, number], { conversation: number; sender: number }>(
      'SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?) AS conversation, EXISTS (SELECT 1 FROM users WHERE id = ?) AS sender',
    );
  }

  /**
   * Inserts a message, or returns undefined when its (sender, client_id) is already stored. A row the database
   * refuses throws SQLITE_CONSTRAINT_*, and SQLite backs out that one statement only: the transaction goes on.
   */
  insert(message: NewMessage): Message | undefined {
    return this.insertRow.get({ ...message });
  }

  /** The message stored under a sender's client_id; inside a transaction it sees that transaction's own rows. */
  stored(userId: number, clientId: string): Message {
    return this.byClientId.get({ userId, clientId })!;
  }

  /** Why an insert was refused: a foreign-key error does not say which row it missed, so look. Off the hot path. */
  whyRefused(message: NewMessage): AppendRefusal {
    const { conversation, sender } = this.parents.get(message.conversationId, message.userId)!;
    if (conversation === 0) return 'conversation_missing';
    if (sender === 0) return 'sender_missing';
    return 'constraint';
  }

  newestBefore(conversationId: number, before: number, limit: number): Message[] {
    return this.before.all({ conversationId, before, limit });
  }

  newestId(): number {
    return this.newestRow.get()?.id ?? 0;
  }
}
