import { ErrorCode, type ClientPayload, type Message } from '@hearth/protocol';
import { ClientErrorCode, type ChatError } from './errors.js';
import type { Link } from './link.js';
import { Outbox, type PendingMessage } from './outbox.js';

/** How long to wait before sending again when the server refused a send as too fast without saying for how long. */
const RATE_LIMITED_RETRY_MS = 1_000;

/**
 * The outbox and how it drains: one message at a time, oldest first, while online. It owns every retry decision for
 * sends, so the client's state is asked, never changed, from here.
 */
export class Sender {
  readonly outbox = new Outbox();
  private resendTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly link: Link,
    private readonly isOnline: () => boolean,
  ) {}

  /** Queues a message, and sends it now if online; resolves with the stored message. */
  add(message: PendingMessage): Promise<Message> {
    const stored = this.outbox.add(message);
    this.flushIfOnline();
    return stored;
  }

  /**
   * Sends the outbox one message at a time, oldest first: messages are stored in the order they were written, and a
   * backlog flushed after a reconnect never floods the server. One the server refused for going too fast waits as
   * long as it said and goes again; one lost with its connection goes again on the next.
   */
  flush(): void {
    if (this.resendTimer !== undefined) return;
    const message = this.outbox.takeNext();
    if (message === undefined) return;
    this.link.send('send_message', wire(message), {
      resolve: (stored) => {
        this.outbox.deliver(message, stored);
        this.flushIfOnline();
      },
      reject: (error) => {
        if (error.code === ClientErrorCode.Disconnected) return this.outbox.retry(message);
        // No reply in time: the send may well have arrived, so it is never failed for that. The link is taken for
        // dead; once reconnected and caught up, the same client_id goes again and is stored at most once.
        if (error.code === ClientErrorCode.Timeout) {
          this.outbox.retry(message);
          return this.link.restart();
        }
        if (error.code === ErrorCode.RateLimited) return this.resendLater(message, error.retry_after_ms);
        this.outbox.fail(message, error);
        this.flushIfOnline();
      },
    });
  }

  /** Closed for good: nothing waits to go again, and every unacknowledged send rejects with why. */
  stop(error: ChatError): void {
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
    this.outbox.failAll(error);
  }

  private resendLater(message: PendingMessage, delayMs = RATE_LIMITED_RETRY_MS): void {
    this.outbox.retry(message);
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.flushIfOnline();
    }, delayMs);
  }

  private flushIfOnline(): void {
    if (this.isOnline()) this.flush();
  }
}

/** The send_message payload for a pending message: what the server stores, without the client's own bookkeeping. */
export function wire({ conversation_id, content, client_id, reply_to, attachments }: PendingMessage): ClientPayload<'send_message'> {
  const payload: ClientPayload<'send_message'> = { conversation_id, content, client_id };
  if (reply_to !== undefined) payload.reply_to = reply_to;
  if (attachments !== undefined && attachments.length > 0) payload.attachments = [...attachments];
  return payload;
}
