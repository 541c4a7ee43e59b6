import { ErrorCode, HISTORY_PAGE_DEFAULT, type ClientPayload, type Message, type User } from '@hearth/protocol';
import type { AppendRefusal, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Refusal, type Result } from './result.js';
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

/** One send's outcome: stored, or refused by itself while the rest of its batch was stored. */
export type Sent =
  | {
      ok: true;
      message: Message;
      /** The change to publish; absent when a retry found the message already stored under its client_id. */
      change?: Change;
    }
  | { ok: false; error: Refusal };

/** Outsiders learn nothing: a conversation one is not in looks exactly like one that does not exist. */
const notFound = () => refuse(ErrorCode.ConversationNotFound, 'No such conversation');

/**
 * A send the database refused although its checks against the directory passed: a row was deleted from under the
 * server. A conversation that is gone is one that does not exist; anything else is the server's failure.
 */
const REFUSED: Record<AppendRefusal, Refusal> = {
  conversation_missing: { code: ErrorCode.ConversationNotFound, message: 'No such conversation' },
  sender_missing: { code: ErrorCode.InternalError, message: 'The server could not store this message: its sender no longer exists' },
  constraint: { code: ErrorCode.InternalError, message: 'The server could not store this message' },
};

export class Messages {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /** Checks a send against the in-memory directory only, so a refusal is answered at once; `append` writes what passes. */
  check(actor: User, input: ClientPayload<'send_message'>): Result<PendingSend> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    return ok({ actor, input });
  }

  /**
   * Stores sends in one transaction, each once per (sender, client_id), and returns their outcomes in order. It
   * resolves once committed, so an acknowledged message is in the database; a send the database refuses fails by
   * itself. If it rejects, nothing of the batch is stored.
   */
  async append(sends: readonly PendingSend[]): Promise<Sent[]> {
    const createdAt = nowSeconds();
    const appended = await this.store.appendMessages(
      sends.map(({ actor, input }) => ({
        conversationId: input.conversation_id,
        userId: actor.id,
        content: input.content,
        clientId: input.client_id,
        createdAt,
      })),
    );
    return appended.map((outcome): Sent => {
      if (outcome.refused !== undefined) return { ok: false, error: REFUSED[outcome.refused] };
      const { message, change } = outcome;
      return change === undefined ? { ok: true, message } : { ok: true, message, change: stamped(change, 'message', message) };
    });
  }

  /** A page of a conversation's messages before a message id, oldest first. */
  async history(actor: User, input: ClientPayload<'load_history'>): Promise<Result<Page>> {
    if (!this.directory.isMember(actor.id, input.conversation_id)) return notFound();
    const limit = input.limit ?? HISTORY_PAGE_DEFAULT;
    const rows = await this.store.messagesBefore(input.conversation_id, input.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const has_more = rows.length > limit;
    if (has_more) rows.pop();
    return ok({ messages: rows.reverse(), has_more });
  }
}
