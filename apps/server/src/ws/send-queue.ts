import { ErrorCode } from '@hearth/protocol';
import type { Messages, PendingSend, Sent } from '../domain/messages.js';
import type { Logger } from '../log.js';
import type { Publisher } from '../publish.js';
import type { Connection } from './connection.js';

/** Rows per transaction: one commit pays for many, yet a long backlog never holds the write lock for long. */
const MAX_BATCH = 500;

export interface QueuedSend {
  send: PendingSend;
  conn: Connection;
  requestId: string | undefined;
}

/**
 * Gathers the sends that arrive in one event-loop turn, from every connection, and stores them in one transaction,
 * then publishes each in the order stored, the sender hearing it as the reply. A commit costs far more than an
 * insert (with synchronous=FULL it waits for the disk), so under load one commit per batch instead of one per
 * message multiplies what the server can store.
 */
export class SendQueue {
  private queued: QueuedSend[] = [];
  private waiting: Array<() => void> = [];
  private scheduled: NodeJS.Immediate | undefined;
  /** Batches are stored one after another, so their changes are published in the order they were numbered. */
  private previous: Promise<void> = Promise.resolve();

  constructor(
    private readonly messages: Messages,
    private readonly publisher: Publisher,
    private readonly log: Logger,
  ) {}

  /** Queues checked sends; resolves once each has been acknowledged or refused. */
  submit(sends: readonly QueuedSend[]): Promise<void> {
    this.queued.push(...sends);
    this.scheduled ??= setImmediate(flushQueue, this);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stores, publishes and acknowledges everything queued, in batches of at most MAX_BATCH. */
  flush(): Promise<void> {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const queued = this.queued;
    const waiting = this.waiting;
    this.queued = [];
    this.waiting = [];
    this.previous = this.previous.then(async () => {
      for (let start = 0; start < queued.length; start += MAX_BATCH) await this.commit(queued.slice(start, start + MAX_BATCH));
      for (const resolve of waiting) resolve();
    });
    return this.previous;
  }

  private async commit(batch: QueuedSend[]): Promise<void> {
    const sent = await this.store(batch);
    if (sent === undefined) return;
    // Acknowledged only now that the transaction holding them has committed.
    for (let i = 0; i < batch.length; i++) {
      const { conn, requestId, send } = batch[i]!;
      const outcome = sent[i]!;
      if (!outcome.ok) {
        // Refused by the database on its own (its sender or conversation row is gone); the others were stored.
        const { code, message } = outcome.error;
        this.log.warn({ userId: send.actor.id, conversationId: send.input.conversation_id, code }, 'a message could not be stored');
        conn.fail(code, message, requestId);
      } else if (outcome.change !== undefined) this.publisher.publish(outcome.change, { conn, requestId });
      // A retry is not a new change: it was published when first stored, so only the sender hears it again.
      else conn.reply('message', outcome.message, requestId);
    }
  }

  /**
   * Stores a batch, or tells every sender in it that it failed: a failed transaction stores none of them. (A send
   * the database refuses by itself does not fail the transaction; `commit` answers it.)
   */
  private async store(batch: QueuedSend[]): Promise<Sent[] | undefined> {
    try {
      return await this.messages.append(batch.map((q) => q.send));
    } catch (error) {
      this.log.error({ err: error, sends: batch.length }, 'storing messages failed');
      for (const { conn, requestId } of batch) conn.fail(ErrorCode.InternalError, 'The server could not store this message', requestId);
      return undefined;
    }
  }
}

function flushQueue(queue: SendQueue): void {
  void queue.flush();
}
