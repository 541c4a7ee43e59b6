/**
 * The part of the WebSocket API the client uses. The browser's WebSocket and the `ws` package's both fit,
 * so the client runs in either without importing anything from Node.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // Events are typed loosely here so that both implementations' listener signatures are accepted.
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/** `readyState` of an open socket, the same in every implementation. */
export const OPEN = 1;
