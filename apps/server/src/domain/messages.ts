import { ErrorCode, HISTORY_PAGE_DEFAULT, type ClientPayload, type Message, type User } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
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
  /** The change to publish; absent when a retry found the message already stored under its client_id. */
  change?: Change;
}

/** Outsiders learn nothing: a conversation one is not in looks exactly like one that does not exist. */
const notFound = () => refuse(ErrorCode.ConversationNotFound, 'No such conversation');

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
   * Stores sends in one transaction, each once per (sender, client_id), and returns them in order. It resolves once
   * committed, so an acknowledged message is in the database; if it rejects, nothing of the batch is stored.
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
    return appended.map(({ message, change }) =>
      change === undefined ? { message } : { message, change: stamped(change, 'message', message) },
    );
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

  /** The newest message id on the server, for clients of protocol 1. */
  newestId(): Promise<number> {
    return this.store.newestMessageId();
  }
}
