import {
  clientEvent,
  CloseCode,
  ErrorCode,
  FATAL_CLOSE_CODES,
  type ClientPayload,
  type RequestType,
  type ParseError,
  type ServerEvent,
  type ServerEventOf,
} from '@hearth/protocol';
import { Connection, type UnknownFrame } from './connection.js';
import { ChatError, ClientErrorCode } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { Backoff, type BackoffOptions } from './reconnect.js';
import { PendingRequests, type ReplyPayload, type Settle } from './requests.js';
import type { WebSocketConstructor } from './socket.js';

export interface LinkOptions {
  url: string;
  token: string;
  WebSocket: WebSocketConstructor;
  requestTimeoutMs: number;
  heartbeatMs: number;
  reconnect: BackoffOptions;
}

export interface LinkEvents {
  /** Not signed in: a socket is being opened, or the next attempt is waiting for its delay. */
  offline(): void;
  /** The socket is open and the auth frame is on its way. */
  authenticating(): void;
  signedIn(event: ServerEventOf<'auth_ok'>): void;
  /** Every other frame that fits the protocol, after the request it answers has been settled. */
  event(event: ServerEvent): void;
  /** A frame of a type this client does not know, to be skipped. */
  unknown(frame: UnknownFrame): void;
  invalid(error: ParseError, frame: string): void;
  /** The server refused the token for good, or the URL cannot be used. The link has stopped. */
  refused(error: ChatError): void;
}

/** Keeps one signed-in connection at a time: opens it, signs in, watches the heartbeat, reconnects with backoff. */
export class Link {
  private readonly requests: PendingRequests;
  private readonly heartbeat: Heartbeat;
  private readonly backoff: Backoff;
  private connection: Connection | undefined;
  private authenticated = false;
  private authError: ChatError | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly options: LinkOptions,
    private readonly events: LinkEvents,
  ) {
    this.requests = new PendingRequests(options.requestTimeoutMs);
    this.backoff = new Backoff(options.reconnect);
    this.heartbeat = new Heartbeat({
      intervalMs: options.heartbeatMs,
      timeoutMs: options.requestTimeoutMs,
      ping: () => this.ping(),
      onSilence: () => this.restart(),
    });
  }

  start(): void {
    this.events.offline();
    this.authError = undefined;
    try {
      this.connection = new Connection(this.options.WebSocket, this.options.url, {
        open: () => this.connectionOnOpen(),
        event: (event) => this.connectionOnEvent(event),
        unknown: (frame) => this.connectionOnUnknown(frame),
        invalid: (error, frame) => this.events.invalid(error, frame),
        close: (code, reason) => this.connectionOnClose(code, reason),
      }, upgradeProtocols(this.options.token));
    } catch (error) {
      return this.refuse(new ChatError(ClientErrorCode.InvalidUrl, `Cannot connect to ${this.options.url}: ${String(error)}`));
    }
    this.heartbeat.start();
  }

  /** Sends a request on the signed-in connection; without one it fails at once with `disconnected`. */
  send<T extends RequestType>(type: T, payload: ClientPayload<T>, settle: Settle<ReplyPayload<T>>): void {
    if (this.connection === undefined || !this.authenticated) {
      return settle.reject(new ChatError(ClientErrorCode.Disconnected, 'Not connected to the server'));
    }
    const id = this.requests.open(type, settle);
    this.connection.send(JSON.stringify(clientEvent(type, payload, id)));
  }

  /** Sends a notice that has no reply on the signed-in connection; without one it is dropped, as it would be stale. */
  notify(type: 'typing', payload: ClientPayload<'typing'>): void {
    if (this.connection !== undefined && this.authenticated) this.connection.send(JSON.stringify(clientEvent(type, payload)));
  }

  /** The connection proved useful, so the next drop is retried from the shortest delay again. */
  healthy(): void {
    this.backoff.reset();
  }

  /** Drops the connection, failing its requests with `disconnected`, and opens another after a backoff delay. */
  restart(): void {
    if (this.stopped) return;
    this.detach(new ChatError(ClientErrorCode.Disconnected, 'The connection dropped before the reply'));
    this.events.offline();
    this.retryTimer = setTimeout(() => this.start(), this.backoff.next());
  }

  /**
   * Skips the backoff wait: a connection that is signed in is checked with a ping at once (a dead one is dropped
   * once the request timeout passes); otherwise a new connection is opened now.
   */
  reconnectNow(): void {
    if (this.stopped) return;
    this.backoff.reset();
    if (this.authenticated) return this.heartbeat.checkNow();
    clearTimeout(this.retryTimer);
    this.detach(new ChatError(ClientErrorCode.Disconnected, 'The connection dropped before the reply'));
    this.start();
  }

  /** Disconnects for good; waiting requests fail with the error. */
  stop(error: ChatError): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.detach(error);
  }

  /** Pings only a signed-in connection: before `auth`, any other frame would make the server close it. */
  private ping(): void {
    if (this.authenticated) this.connection?.send(JSON.stringify(clientEvent('ping', {})));
  }

  private connectionOnOpen(): void {
    this.events.authenticating();
    this.connection?.send(JSON.stringify(clientEvent('auth', { token: this.options.token })));
  }

  private connectionOnEvent(event: ServerEvent): void {
    this.heartbeat.pulse();
    this.requests.settle(event);
    if (event.type === 'auth_ok') {
      this.authenticated = true;
      return this.events.signedIn(event);
    }
    if (event.type === 'auth_error') this.authError = ChatError.from(event.payload);
    this.events.event(event);
  }

  private connectionOnUnknown(frame: UnknownFrame): void {
    // A frame of a newer protocol is still a frame: the connection is alive.
    this.heartbeat.pulse();
    this.events.unknown(frame);
  }

  private connectionOnClose(code: number, reason: string): void {
    this.connection = undefined;
    if (!FATAL_CLOSE_CODES.includes(code)) return this.restart();
    this.refuse(this.authError ?? closeError(code, reason));
  }

  private refuse(error: ChatError): void {
    this.stop(error);
    this.events.refused(error);
  }

  private detach(error: ChatError): void {
    this.heartbeat.stop();
    this.authenticated = false;
    this.connection?.drop();
    this.connection = undefined;
    this.requests.rejectAll(error);
  }
}

/** Why the server closed a connection for good, as a coded error. */
function closeError(code: number, reason: string): ChatError {
  if (code === CloseCode.SessionRevoked) return new ChatError(ClientErrorCode.SignedOut, 'This device was signed out');
  if (code === CloseCode.AccountDeactivated) return new ChatError(ErrorCode.AccountDeactivated, 'This account has been deactivated');
  return new ChatError(ClientErrorCode.Closed, `The server refused the connection (${code} ${reason})`);
}

// A token shown in the upgrade (a subprotocol, as a browser cannot set headers) earns one of the places a server under
// a flood of sockets that never sign in keeps for members. `hearth` comes first: the server answers with it, never
// with the token, and a server from before answers with the first offered. Only a token of subprotocol-safe
// characters can be offered; the `auth` frame signs in as ever.
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,200}$/;

function upgradeProtocols(token: string): string[] | undefined {
  return SAFE_TOKEN.test(token) ? ['hearth', `hearth.bearer.${token}`] : undefined;
}
