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

  /**
   * Stores a message once per (sender, client_id). The insert commits before this returns, so an
   * acknowledged message is in the database file.
   */
  send(actor: User, input: ClientPayload<'send_message'>): Result<Sent> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    const stored = this.insert.get({
      conversationId: input.conversation_id,
      userId: actor.id,
      content: input.content,
      clientId: input.client_id,
      now: nowSeconds(),
    });
    if (stored !== undefined) {
      this.newest = stored.id;
      return ok({ message: stored, created: true });
    }
    return ok({ message: this.byClientId.get({ userId: actor.id, clientId: input.client_id })!, created: false });
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
