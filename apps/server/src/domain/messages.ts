import { ErrorCode, HISTORY_PAGE_DEFAULT, type ClientPayload, type Message, type User } from '@hearth/protocol';
import { sendBatchSize, sendToCommit } from '../metrics.js';
import { mentionsIn } from './mentions.js';
import type { AppendRefusal, Store } from '../store/store.js';
import { Batcher } from './batcher.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Refusal, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

export interface Page {
  messages: Message[];
  has_more: boolean;
  has_newer?: boolean;
}

/** A send that passed its checks, waiting to be stored with the request it answers. */
interface PendingSend<O> {
  actor: User;
  input: ClientPayload<'send_message'>;
  /** The members the content mentions. */
  mentions: number[];
  origin: O;
  /** When it was queued (performance.now()), for the time it took to commit. */
  queuedAt: number;
}

/** One send's outcome: stored, or refused by itself (or with its whole batch) after it passed its checks. */
export type Sent =
  | {
      ok: true;
      message: Message;
      /** The change to publish; absent when a retry found the message already stored under its client_id. */
      change?: Change;
      /** When its transaction committed (performance.now()), for the time it takes to reach its recipients. */
      committedAt: number;
    }
  | { ok: false; error: Refusal; cause?: unknown };

/** Hears each checked send's outcome, in the order the sends were stored: committed changes are published in seq order. */
export type SendOutcomes<O> = (sent: Sent, send: { actor: User; input: ClientPayload<'send_message'>; origin: O }) => void;

/** Outsiders learn nothing: a conversation one is not in looks exactly like one that does not exist. */
const notFound = () => refuse(ErrorCode.ConversationNotFound, 'No such conversation');

const STORE_FAILED: Refusal = { code: ErrorCode.InternalError, message: 'The server could not store this message' };

/**
 * A send the database refused although its checks against the directory passed: a row was deleted from under the
 * server. A conversation that is gone is one that does not exist; anything else is the server's failure.
 */
const REFUSED: Record<AppendRefusal, Refusal> = {
  conversation_missing: { code: ErrorCode.ConversationNotFound, message: 'No such conversation' },
  sender_missing: { code: ErrorCode.InternalError, message: 'The server could not store this message: its sender no longer exists' },
  constraint: { code: ErrorCode.InternalError, message: 'The server could not store this message' },
  reply_missing: { code: ErrorCode.InvalidReply, message: 'A reply must answer a message of the same conversation' },
  reply_deleted: { code: ErrorCode.MessageDeleted, message: 'That message was deleted and cannot be answered' },
  reply_to_line: { code: ErrorCode.GroupEventLine, message: 'A line telling of a group change cannot be answered' },
  attachment_missing: { code: ErrorCode.FileNotFound, message: 'An attachment must be a file you uploaded and have not sent yet' },
};

/**
 * Messages, read and sent. A send is checked against the in-memory directory at once, so a refusal is answered
 * straight away; what passes is stored with everyone else's sends of the moment in one transaction, stamped as a
 * change, and handed to `outcomes` in the order stored, once committed: an acknowledged message is on disk.
 */
export class Messages<O = unknown> {
  private readonly batches = new Batcher<PendingSend<O>>((batch) => this.commit(batch));

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly outcomes: SendOutcomes<O>,
  ) {}

  /** Refuses a send at once, or queues it; what is queued resolves once its outcome has been handed on. */
  send(actor: User, input: ClientPayload<'send_message'>, origin: O): Result<Promise<void>> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    const mentions = mentionsIn(input.content, input.conversation_id, this.directory);
    return ok(this.batches.submit([{ actor, input, mentions, origin, queuedAt: performance.now() }]));
  }

  /** Stores and hands on every send queued so far. */
  flush(): Promise<void> {
    return this.batches.flush();
  }

  private async commit(batch: PendingSend<O>[]): Promise<void> {
    let sent: Sent[];
    try {
      sent = await this.append(batch);
    } catch (cause) {
      // A failed transaction stores none of the batch.
      sent = batch.map(() => ({ ok: false, error: STORE_FAILED, cause }));
    }
    for (let i = 0; i < batch.length; i++) this.outcomes(sent[i]!, batch[i]!);
  }

  /**
   * Stores sends in one transaction, each once per (sender, client_id), and returns their outcomes in order. It
   * resolves once committed; a send the database refuses fails by itself. If it rejects, nothing is stored.
   */
  private async append(sends: readonly PendingSend<O>[]): Promise<Sent[]> {
    const createdAt = nowSeconds();
    const appended = await this.store.messages.append(
      sends.map(({ actor, input, mentions }) => ({
        conversationId: input.conversation_id,
        userId: actor.id,
        content: input.content,
        clientId: input.client_id,
        createdAt,
        replyTo: input.reply_to,
        mentions,
        attachments: input.attachments,
      })),
    );
    const committedAt = performance.now();
    sendBatchSize.observe(sends.length);
    for (const send of sends) sendToCommit.observe((committedAt - send.queuedAt) / 1000);
    return appended.map((outcome, i): Sent => {
      if (outcome.refused !== undefined) return { ok: false, error: REFUSED[outcome.refused] };
      const { message, change } = outcome;
      if (change !== undefined) return { ok: true, message, change: stamped(change, 'message', message), committedAt };
      // A retry answers with the message as it is now, so it is a read: a client_id of a message in a conversation
      // the sender has left must not show what was said there since.
      return this.directory.isMember(sends[i]!.actor.id, message.conversation_id) ? { ok: true, message, committedAt } : { ok: false, error: REFUSED.conversation_missing };
    });
  }

  /** A page of a conversation's messages before a message id, or around one, oldest first. */
  async history(actor: User, input: ClientPayload<'load_history'>): Promise<Result<Page>> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    const limit = input.limit ?? HISTORY_PAGE_DEFAULT;
    if (input.around !== undefined) return this.around(input.conversation_id, input.around, limit);
    const rows = await this.store.messages.before(input.conversation_id, input.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const has_more = rows.length > limit;
    if (has_more) rows.pop();
    return ok({ messages: rows.reverse(), has_more });
  }

  /** The page holding a message: up to half the limit before it, it, and the rest after. */
  private async around(conversationId: number, messageId: number, limit: number): Promise<Result<Page>> {
    const older = Math.floor((limit - 1) / 2);
    const upTo = await this.store.messages.before(conversationId, messageId + 1, older + 2);
    if (upTo[0]?.id !== messageId) return refuse(ErrorCode.MessageNotFound, 'No such message in this conversation');
    const has_more = upTo.length > older + 1;
    const before = upTo.slice(0, older + 1).reverse();
    const newer = limit - before.length;
    const after = await this.store.messages.after(conversationId, messageId, newer + 1);
    const has_newer = after.length > newer;
    return ok({ messages: [...before, ...after.slice(0, newer)], has_more, has_newer });
  }
}
