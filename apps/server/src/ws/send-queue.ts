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
 * Gathers sends from every connection and stores them a batch at a time, one transaction each, then publishes each
 * in the order stored, the sender hearing it as the reply. A commit costs far more than an insert (it waits for the
 * disk), so one commit per batch instead of one per message multiplies what the server can store. A batch holds what
 * arrived in one event-loop turn, or, while a transaction is under way, everything that arrived meanwhile: the
 * slower the database answers, the more each commit carries.
 */
export class SendQueue {
  private queued: QueuedSend[] = [];
  /** Who waits for their sends: each resolves once `stored` reaches the count of sends up to its last. */
  private waiting: Array<{ through: number; resolve: () => void }> = [];
  private submitted = 0;
  private stored = 0;
  private scheduled: NodeJS.Immediate | undefined;
  /** Batches are stored one after another, so their changes are published in the order they were numbered. */
  private draining: Promise<void> | undefined;

  constructor(
    private readonly messages: Messages,
    private readonly publisher: Publisher,
    private readonly log: Logger,
  ) {}

  /** Queues checked sends; resolves once each has been acknowledged or refused. */
  submit(sends: readonly QueuedSend[]): Promise<void> {
    this.queued.push(...sends);
    this.submitted += sends.length;
    if (this.draining === undefined) this.scheduled ??= setImmediate(flushQueue, this);
    return new Promise((resolve) => this.waiting.push({ through: this.submitted, resolve }));
  }

  /** Stores, publishes and acknowledges everything queued, and what arrives meanwhile, in batches of at most MAX_BATCH. */
  flush(): Promise<void> {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // Sent after the last batch was taken but before this: not left waiting for the next send to come along.
      if (this.queued.length > 0) this.scheduled ??= setImmediate(flushQueue, this);
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_BATCH);
      await this.commit(batch);
      this.stored += batch.length;
      while (this.waiting.length > 0 && this.waiting[0]!.through <= this.stored) this.waiting.shift()!.resolve();
    }
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
