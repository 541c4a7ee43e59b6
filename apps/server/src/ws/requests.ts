import type { ClientEvent, ClientEventOf, ErrorCode } from '@hearth/protocol';
import type { Connection } from './connection.js';

export type Send = ClientEventOf<'send_message'>;

/** A frame as the gateway read it: a valid request, or the refusal that answers it. */
export type Inbound =
  | { ok: true; event: ClientEvent }
  | { ok: false; error: { code: ErrorCode; message: string; id?: string; path?: string; retry_after_ms?: number } };

/** How a connection's frames are handled: one set for every connection, told which one each time. */
export interface InboundHandlers {
  /** Handles one frame; the next starts only once its promise settles. */
  one(conn: Connection, inbound: Inbound): Promise<void> | void;
  /** Handles sends that were waiting back to back, together, so they are stored in one transaction. */
  sends(conn: Connection, sends: Send[]): Promise<void> | void;
  /** A handler threw: each request it held gets an internal error. */
  failed(conn: Connection, inbound: Inbound, error: unknown): void;
}

/** Frames a connection may have waiting; past this the server stops reading its socket until the queue drains. */
const MAX_WAITING = 256;
/** Bytes a connection may leave unread before its next request waits for it to read them. */
const UNREAD_BEFORE_WAITING = 1024 * 1024;

/**
 * Resolves once the event loop has read its sockets again. One setImmediate is not enough: from a socket's read (the
 * poll phase) it runs in the same loop turn, before any other socket is read; the second runs after the next read.
 */
const socketsRead = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

const isSend = (inbound: Inbound): inbound is { ok: true; event: Send } => inbound.ok && inbound.event.type === 'send_message';

/**
 * A connection's frames, handled one after another in the order they arrived. Replies therefore leave in request
 * order, and each request sees what the ones before it did, whatever the storage's own timing. Sends waiting back
 * to back are handled as one batch, so a burst is still committed together. Between batches the queue lets other
 * connections' requests run.
 */
export class RequestQueue {
  private readonly waiting: Inbound[] = [];
  private running = false;

  constructor(
    private readonly conn: Connection,
    private readonly handlers: InboundHandlers,
  ) {}

  push(inbound: Inbound): void {
    this.waiting.push(inbound);
    // Backpressure on what comes in: a client sending faster than it is served waits on its own writes.
    if (this.waiting.length === MAX_WAITING) this.conn.socket.pause();
    if (this.running) return;
    this.running = true;
    // Started once the frames read in this turn are queued, so a burst from one read is one batch.
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      // A connection the server has decided to close gets no more work done for it.
      if (!this.conn.open) {
        this.waiting.length = 0;
        break;
      }
      // A connection that does not read what it asked for gets nothing more done until it does.
      if (this.conn.unread > UNREAD_BEFORE_WAITING) {
        await this.conn.drained();
        continue;
      }
      const batch = isSend(this.waiting[0]!) ? this.takeSends() : this.waiting.splice(0, 1);
      if (this.conn.socket.isPaused && this.waiting.length < MAX_WAITING / 2) this.conn.socket.resume();
      try {
        await this.handle(batch);
      } catch (error) {
        for (const inbound of batch) this.handlers.failed(this.conn, inbound, error);
      }
      // Other connections get their turn before this one's next request: storage that answers at once (SQLite)
      // settles each request in microtasks, so without a yield one connection's queue would hold the event loop
      // until it is empty. Sends have had theirs: their commit waits for the next turn (domain/batcher.ts), and a
      // second wait would halve how many commits a burst gets a second.
      if (this.waiting.length > 0 && !isSend(batch[0]!)) await socketsRead();
    }
    this.running = false;
  }

  private handle(batch: Inbound[]): Promise<void> | void {
    const [first] = batch;
    if (isSend(first!)) return this.handlers.sends(this.conn, batch.map((inbound) => (inbound as { event: Send }).event));
    return this.handlers.one(this.conn, first!);
  }

  private takeSends(): Inbound[] {
    const end = this.waiting.findIndex((inbound) => !isSend(inbound));
    return this.waiting.splice(0, end === -1 ? this.waiting.length : end);
  }
}
