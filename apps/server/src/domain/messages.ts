import { ErrorCode, HISTORY_PAGE_DEFAULT, CATCH_UP_PAGE_DEFAULT, type ClientPayload, type Message, type User } from '@hearth/protocol';
import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { conversationMembers, messages } from '../db/schema.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

export interface Page {
  messages: Message[];
  has_more: boolean;
}

/** A send that passed its checks, waiting to be stored. */
export interface PendingSend {
  actor: User;
  input: ClientPayload<'send_message'>;
}

export interface Sent {
  message: Message;
  /** False when a retry found the message already stored under its client_id. */
  created: boolean;
}

// Selected under their wire names, so rows are Messages without a mapping step.
const wire = {
  id: messages.id,
  conversation_id: messages.conversationId,
  user_id: messages.userId,
  content: messages.content,
  client_id: messages.clientId,
  created_at: messages.createdAt,
};

/** Outsiders learn nothing: a conversation one is not in looks exactly like one that does not exist. */
const notFound = () => refuse(ErrorCode.ConversationNotFound, 'No such conversation');

export class Messages {
  private readonly insert;
  private readonly byClientId;
  private readonly storeInOneTransaction;
  private readonly before;
  private readonly since;
  /** The newest stored message id, kept here so signing in costs no scan of a long history. */
  private newest: number;

  constructor(
    db: Db,
    private readonly directory: Directory,
  ) {
    const p = sql.placeholder;
    this.insert = db
      .insert(messages)
      .values({
        conversationId: p('conversationId'),
        userId: p('userId'),
        content: p('content'),
        clientId: p('clientId'),
        createdAt: p('now'),
      })
      .onConflictDoNothing({ target: [messages.userId, messages.clientId] })
      .returning(wire)
      .prepare();
    this.byClientId = db
      .select(wire)
      .from(messages)
      .where(and(eq(messages.userId, p('userId')), eq(messages.clientId, p('clientId'))))
      .prepare();
    this.storeInOneTransaction = db.$client.transaction((sends: readonly PendingSend[]) => this.insertAll(sends));
    this.before = db
      .select(wire)
      .from(messages)
      .where(and(eq(messages.conversationId, p('conversationId')), lt(messages.id, p('before'))))
      .orderBy(desc(messages.id))
      .limit(p('limit'))
      .prepare();
    const mine = db
      .select({ id: conversationMembers.conversationId })
      .from(conversationMembers)
      .where(eq(conversationMembers.userId, p('userId')));
    this.since = db
      .select(wire)
      .from(messages)
      .where(and(gt(messages.id, p('after')), inArray(messages.conversationId, mine)))
      .orderBy(asc(messages.id))
      .limit(p('limit'))
      .prepare();
    this.newest = db.select({ id: sql<number>`coalesce(max(${messages.id}), 0)` }).from(messages).get()?.id ?? 0;
  }

  /** Checks a send against the in-memory directory only, so a refusal is answered at once; `store` writes what passes. */
  check(actor: User, input: ClientPayload<'send_message'>): Result<PendingSend> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    return ok({ actor, input });
  }

  /**
   * Stores sends in one transaction, each once per (sender, client_id), and returns them in order. The
   * transaction commits before this returns, so an acknowledged message is in the database file; if it throws,
   * nothing of the batch is stored.
   */
  store(sends: readonly PendingSend[]): Sent[] {
    const { sent, newest } = this.storeInOneTransaction(sends);
    // Moved only once committed: a rolled-back id is handed out again, and a cursor past it would skip that message.
    this.newest = newest;
    return sent;
  }

  private insertAll(sends: readonly PendingSend[]): { sent: Sent[]; newest: number } {
    const now = nowSeconds();
    const sent: Sent[] = [];
    let newest = this.newest;
    for (const { actor, input } of sends) {
      const stored = this.insert.get({
        conversationId: input.conversation_id,
        userId: actor.id,
        content: input.content,
        clientId: input.client_id,
        now,
      });
      if (stored !== undefined) {
        newest = stored.id;
        sent.push({ message: stored, created: true });
      } else {
        // A retry, perhaps of a send earlier in this same batch: its row is visible inside the transaction.
        sent.push({ message: this.byClientId.get({ userId: actor.id, clientId: input.client_id })!, created: false });
      }
    }
    return { sent, newest };
  }

  /** A page of a conversation's messages before a message id, oldest first. */
  history(actor: User, input: ClientPayload<'load_history'>): Result<Page> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    const limit = input.limit ?? HISTORY_PAGE_DEFAULT;
    const rows = this.before.all({
      conversationId: input.conversation_id,
      before: input.before ?? Number.MAX_SAFE_INTEGER,
      limit: limit + 1,
    });
    const has_more = rows.length > limit;
    if (has_more) rows.pop();
    return ok({ messages: rows.reverse(), has_more });
  }

  /** Messages after a message id across all the actor's conversations, oldest first, a page at a time. */
  catchUp(actor: User, input: ClientPayload<'catch_up'>): Page {
    const limit = input.limit ?? CATCH_UP_PAGE_DEFAULT;
    const rows = this.since.all({ userId: actor.id, after: input.after, limit: limit + 1 });
    const has_more = rows.length > limit;
    if (has_more) rows.pop();
    return { messages: rows, has_more };
  }

  /**
   * The newest message id on the server: a fresh client's catch-up cursor. Every message in the user's
   * conversations has an id at most this, and catch-up only ever returns the user's own conversations.
   */
  newestId(): number {
    return this.newest;
  }
}
