import type { ServerPayload } from '@hearth/protocol';
import type { BackoffOptions } from './reconnect.js';
import type { WebSocketConstructor } from './socket.js';

/**
 * `connecting` until the first sign-in, `reconnecting` after a drop; `authenticating` from the socket's opening
 * until sign-in and catch-up are done; `online` once caught up; `closed` for good.
 */
export type ClientState = 'idle' | 'connecting' | 'authenticating' | 'online' | 'reconnecting' | 'closed';

/** What the server said at the last sign-in: who we are, our conversations, who is here. */
export type Session = ServerPayload<'auth_ok'>;

export interface ChatClientOptions {
  /** The server's WebSocket URL, e.g. ws://localhost:3000/ws; `wsUrlFor(baseUrl)` makes one. */
  url: string;
  /** The bearer token from redeeming an invite. */
  token: string;
  /** WebSocket constructor. Default: globalThis.WebSocket; on Node 20 pass the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  /** How long a request waits for its reply, and the server may stay silent when a frame is due. Default 10 000. */
  requestTimeoutMs?: number;
  /** Interval between pings. Default 25 000. */
  heartbeatMs?: number;
  /** Bounds of the reconnect delay. Default { minDelayMs: 500, maxDelayMs: 30 000 }. */
  reconnect?: Partial<BackoffOptions>;
  /**
   * Where an earlier session stopped: its `client.cursor`, kept by the app. The first sign-in catches up on every
   * change after it. Default: the server's cursor at first sign-in (`auth_ok.cursor`), so nothing older is delivered.
   */
  cursor?: number;
}

export const clientDefaults = {
  requestTimeoutMs: 10_000,
  heartbeatMs: 25_000,
  reconnect: { minDelayMs: 500, maxDelayMs: 30_000 },
};
