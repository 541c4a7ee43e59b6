import { ErrorCode, parseServerEvent, type ParseError, type ServerEvent } from '@hearth/protocol';
import { OPEN, type WebSocketConstructor, type WebSocketLike } from './socket.js';

/**
 * A frame whose envelope is sound but whose `type` this client does not know, e.g. from a newer server. Its other
 * fields are as they came, unchecked.
 */
export interface UnknownFrame {
  type: string;
  payload: object;
  readonly [field: string]: unknown;
}

export interface ConnectionEvents {
  open(): void;
  /** A frame that fits the protocol. Fields the protocol does not declare are accepted and kept. */
  event(event: ServerEvent): void;
  /** A frame of a type this client does not know: skipped, not an error (a newer server may send it). */
  unknown(frame: UnknownFrame): void;
  /** A frame that does not fit the protocol; it goes no further. */
  invalid(error: ParseError, frame: string): void;
  close(code: number, reason: string): void;
}

/**
 * One WebSocket to the server. Every frame passes parseServerEvent before anyone sees it. Once dropped, the
 * connection reports nothing more, however late its socket's own events arrive.
 */
export class Connection {
  private socket: WebSocketLike | undefined;

  constructor(
    WebSocket: WebSocketConstructor,
    url: string,
    private readonly events: ConnectionEvents,
    protocols?: string[],
  ) {
    const socket = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
    this.socket = socket;
    socket.addEventListener('open', () => this.socketOnOpen(socket));
    socket.addEventListener('message', (event: { data: unknown }) => this.socketOnMessage(socket, event.data));
    // An error is always followed by a close, where it is handled; listening keeps `ws` from throwing it.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', (event: { code: number; reason: string }) => this.socketOnClose(socket, event));
  }

  /** Sends a frame if the socket is open. */
  send(frame: string): void {
    if (this.socket?.readyState === OPEN) this.socket.send(frame);
  }

  /** Closes the socket and stops reporting its events. */
  drop(code = 1000, reason = ''): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(code, reason);
  }

  private socketOnOpen(socket: WebSocketLike): void {
    if (socket === this.socket) this.events.open();
  }

  private socketOnMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    if (typeof data !== 'string') {
      return this.events.invalid({ code: ErrorCode.InvalidFrame, message: 'Frames must be text' }, '');
    }
    // Tolerant: a server that has grown a field since this client was built is still understood.
    const parsed = parseServerEvent(data);
    if (parsed.ok) this.events.event(parsed.event);
    // The envelope was checked before the type, so this is an object with a string `type` and an object `payload`.
    else if (parsed.error.code === ErrorCode.UnknownType) this.events.unknown(JSON.parse(data) as UnknownFrame);
    else this.events.invalid(parsed.error, data);
  }

  private socketOnClose(socket: WebSocketLike, event: { code: number; reason: string }): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.events.close(event.code, event.reason);
  }
}
