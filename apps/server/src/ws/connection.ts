import { CloseCode, serverEvent, type ErrorCode, type ServerEvent, type ServerEventType, type ServerPayload, type User } from '@hearth/protocol';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { TokenBucket } from '../rate-limit.js';
import type { Config } from '../config.js';
import { errorSent } from '../metrics.js';
import type { Ticket } from './admission.js';
import { encode, type Frame } from './frame.js';

/**
 * Reply bytes that cost one more request token: a reply is paid for by its size, so a small request for a large
 * page (catch-up, history) cannot make the server serialise and buffer megabytes at the rate of pings.
 */
const REPLY_BYTES_PER_TOKEN = 16 * 1024;

/** One WebSocket and what the server knows about it. */
export class Connection {
  user: User | null = null;
  /** The session of the token it signed in with: signing that device out closes this connection. */
  sessionId: number | undefined;
  /** Its sign-in named everyone: it goes on hearing everyone's presence, even once the server has grown past that. */
  toldOfEveryone = false;
  /** Cleared by each heartbeat, set again by the pong. */
  alive = true;
  /** Rate-limited requests in a row; persistent flooding closes the connection. */
  refusedInARow = 0;
  readonly bucket: TokenBucket;
  authTimer: NodeJS.Timeout | undefined;
  /** Its place in the pool of connections not signed in yet, until it signs in or closes. */
  ticket: Ticket | undefined;

  constructor(
    readonly socket: WebSocket,
    /** The upgraded TCP socket under `socket`, for writing frames made once for many recipients. */
    private readonly stream: Duplex,
    readonly address: string,
    private readonly config: Config,
  ) {
    this.bucket = new TokenBucket(config.requestsPerSecond, config.requestBurst);
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /**
   * Writes framed events straight to the socket, behind anything `ws` itself has written (it writes at once, as
   * compression is off). A client that stops reading would make its send buffer grow without bound, so past the
   * threshold it is dropped; it can reconnect and catch up.
   */
  sendRaw(frame: Frame): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > this.config.maxBufferedBytes) {
      this.drop(CloseCode.SlowConsumer, 'slow consumer');
      return;
    }
    this.stream.write(frame);
  }

  send(event: ServerEvent): void {
    this.sendRaw(encode(event));
  }

  reply<T extends ServerEventType>(type: T, payload: ServerPayload<T>, id?: string): void {
    const frame = encode(serverEvent(type, payload, id));
    if (frame.length >= REPLY_BYTES_PER_TOKEN) this.bucket.charge(Math.floor(frame.length / REPLY_BYTES_PER_TOKEN));
    this.sendRaw(frame);
  }

  /** Bytes written to this connection that it has not read yet. */
  get unread(): number {
    return this.socket.bufferedAmount;
  }

  /** Resolves once the socket has taken what was written (or closed). */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  fail(code: ErrorCode, message: string, id?: string, extra?: { path?: string; retry_after_ms?: number }): void {
    errorSent(code);
    this.reply('error', { code, message, ...extra }, id);
  }

  /** Closes with a code; a peer that does not answer the close handshake is cut off. */
  drop(code: number, reason: string): void {
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), 1_000).unref();
  }
}
