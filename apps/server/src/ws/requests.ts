import type { ClientEvent, ClientEventOf, ErrorCode } from '@hearth/protocol';

export type Send = ClientEventOf<'send_message'>;

/** A frame as the gateway read it: a valid request, or the refusal that answers it. */
export type Inbound =
  | { ok: true; event: ClientEvent }
  | { ok: false; error: { code: ErrorCode; message: string; id?: string; path?: string; retry_after_ms?: number } };

export interface InboundHandlers {
  /** Handles one frame; the next starts only once its promise settles. */
  one(inbound: Inbound): Promise<void> | void;
  /** Handles sends that were waiting back to back, together, so they are stored in one transaction. */
  sends(sends: Send[]): Promise<void> | void;
  /** A handler threw: each request it held gets an internal error. */
  failed(inbound: Inbound, error: unknown): void;
  /** The connection is closing: what is still queued is dropped, not run. */
  closing(): boolean;
}

const isSend = (inbound: Inbound): inbound is { ok: true; event: Send } => inbound.ok && inbound.event.type === 'send_message';

/**
 * A connection's frames, handled one after another in the order they arrived. Replies therefore leave in request
 * order, and each request sees what the ones before it did, whatever the storage's own timing. Sends waiting back
 * to back are handled as one batch, so a burst is still committed together.
 */
export class RequestQueue {
  private readonly waiting: Inbound[] = [];
  private running = false;

  constructor(private readonly handlers: InboundHandlers) {}

  push(inbound: Inbound): void {
    this.waiting.push(inbound);
    if (this.running) return;
    this.running = true;
    // Started once the frames read in this turn are queued, so a burst from one read is one batch.
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      if (this.handlers.closing()) {
        this.waiting.length = 0;
        break;
      }
      const batch = isSend(this.waiting[0]!) ? this.takeSends() : this.waiting.splice(0, 1);
      try {
        await this.handle(batch);
      } catch (error) {
        for (const inbound of batch) this.handlers.failed(inbound, error);
      }
    }
    this.running = false;
  }

  private handle(batch: Inbound[]): Promise<void> | void {
    const [first] = batch;
    if (isSend(first!)) return this.handlers.sends(batch.map((inbound) => (inbound as { event: Send }).event));
    return this.handlers.one(first!);
  }

  private takeSends(): Inbound[] {
    const end = this.waiting.findIndex((inbound) => !isSend(inbound));
    return this.waiting.splice(0, end === -1 ? this.waiting.length : end);
  }
}
