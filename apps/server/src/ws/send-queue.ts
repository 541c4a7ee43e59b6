import { ErrorCode, serverEvent } from '@hearth/protocol';
import type { Messages, PendingSend, Sent } from '../domain/messages.js';
import type { Logger } from '../log.js';
import type { Connection } from './connection.js';
import type { Fanout } from './fanout.js';

/** Rows per transaction: one commit pays for many, yet a long backlog never holds the write lock for long. */
const MAX_BATCH = 500;

interface Queued {
  send: PendingSend;
  conn: Connection;
  requestId: string | undefined;
}

/**
 * Gathers the sends that arrive in one event-loop turn and stores them in one transaction, then acknowledges and
 * announces each in arrival order. A commit costs far more than an insert (with synchronous=FULL it waits for the
 * disk), so under load one commit per batch instead of one per message multiplies what the server can store.
 */
export class SendQueue {
  private queued: Queued[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly messages: Messages,
    private readonly fanout: Fanout,
    private readonly log: Logger,
  ) {}

  /** Queues a checked send; it is stored once every frame read in this turn has been dispatched. */
  add(send: PendingSend, conn: Connection, requestId: string | undefined): void {
    this.queued.push({ send, conn, requestId });
    conn.queuedSends += 1;
    this.scheduled ??= setImmediate(flushQueue, this);
  }

  /** Stores, acknowledges and announces everything queued, in batches of at most MAX_BATCH. */
  flush(): void {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const queued = this.queued;
    this.queued = [];
    for (let start = 0; start < queued.length; start += MAX_BATCH) this.commit(queued.slice(start, start + MAX_BATCH));
  }

  private commit(batch: Queued[]): void {
    const sent = this.store(batch);
    if (sent === undefined) return;
    // Acknowledged only now that the transaction holding them has committed.
    for (let i = 0; i < batch.length; i++) {
      const { conn, requestId } = batch[i]!;
      const { message, created } = sent[i]!;
      conn.acknowledge(message, requestId);
      // A retry was already delivered to everyone when it was first stored.
      if (created) this.fanout.toConversation(message.conversation_id, serverEvent('message', message), conn);
    }
  }

  /** Stores a batch, or tells every sender in it that it failed: a failed transaction stores none of them. */
  private store(batch: Queued[]): Sent[] | undefined {
    try {
      return this.messages.store(batch.map((q) => q.send));
    } catch (error) {
      this.log.error({ err: error, sends: batch.length }, 'storing messages failed');
      for (const { conn, requestId } of batch) {
        conn.queuedSends -= 1;
        conn.fail(ErrorCode.InternalError, 'The server could not store this message', requestId);
      }
      return undefined;
    }
  }
}

function flushQueue(queue: SendQueue): void {
  queue.flush();
}
