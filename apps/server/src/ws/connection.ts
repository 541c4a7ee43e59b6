import {
  CloseCode,
  serverEvent,
  type ErrorCode,
  type Message,
  type ServerEvent,
  type ServerEventType,
  type ServerPayload,
  type User,
} from '@hearth/protocol';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { TokenBucket } from '../rate-limit.js';
import type { Config } from '../config.js';
import { encode, type Frame } from './frame.js';

/** One WebSocket and what the server knows about it. */
export class Connection {
  user: User | null = null;
  /** Cleared by each heartbeat, set again by the pong. */
  alive = true;
  /** Rate-limited requests in a row; persistent flooding closes the connection. */
  refusedInARow = 0;
  readonly bucket: TokenBucket;
  authTimer: NodeJS.Timeout | undefined;
  /** This connection's sends waiting to be stored together at the end of the turn. */
  queuedSends = 0;

  constructor(
    readonly socket: WebSocket,
    /** The upgraded TCP socket under `socket`, for writing frames made once for many recipients. */
    private readonly stream: Duplex,
    readonly address: string,
    private readonly config: Config,
    /** Stores queued sends now, so that a reply to a later request cannot overtake their acknowledgements. */
    private readonly storeQueued: () => void,
  ) {
    this.bucket = new TokenBucket(config.requestsPerSecond, config.requestBurst);
  }

  /**
   * Writes a framed event straight to the socket, behind anything `ws` itself has written (it writes at once, as
   * compression is off). A client that stops reading would make its send buffer grow without bound, so past the
   * threshold it is dropped; it can reconnect and catch up.
   */
  sendRaw(frame: Frame): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.config.maxBufferedBytes) {
      this.drop(CloseCode.SlowConsumer, 'slow consumer');
      return;
    }
    this.stream.write(frame);
  }

  send(event: ServerEvent): void {
    this.sendRaw(encode(event));
  }

  /** Replies go out in the order requests came in. */
  reply<T extends ServerEventType>(type: T, payload: ServerPayload<T>, id?: string): void {
    if (this.queuedSends > 0) this.storeQueued();
    this.send(serverEvent(type, payload, id));
  }

  /** The acknowledgement of a queued send, now stored. */
  acknowledge(message: Message, id: string | undefined): void {
    this.queuedSends -= 1;
    this.send(serverEvent('message', message, id));
  }

  fail(code: ErrorCode, message: string, id?: string, extra?: { path?: string; retry_after_ms?: number }): void {
    this.reply('error', { code, message, ...extra }, id);
  }

  /** Closes with a code; a peer that does not answer the close handshake is cut off. */
  drop(code: number, reason: string): void {
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), 1_000).unref();
  }
}
