import {
  clientEvent,
  parseClientEvent,
  REPLY_TYPE,
  type ClientPayload,
  type RequestType,
  type ServerEvent,
  type ServerEventType,
  type ServerPayload,
} from '@hearth/protocol';
import { ChatError, ClientErrorCode } from './errors.js';

type ReplyPayloads = { [T in RequestType]: ServerPayload<(typeof REPLY_TYPE)[T]> };
export type ReplyPayload<T extends RequestType> = ReplyPayloads[T];

/** What to do with a request's reply payload, or with its failure. */
export interface Settle<P> {
  resolve(reply: P): void;
  reject(error: ChatError): void;
}

interface Pending extends Settle<ServerEvent['payload']> {
  expects: ServerEventType;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests waiting for their reply, by request id. Settling is synchronous, so whoever waits sees the
 * outcome before the same frame reaches the event subscribers.
 */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Registers a request and returns the id to send it with. */
  open<T extends RequestType>(type: T, settle: Settle<ReplyPayload<T>>): string {
    const id = `r${this.nextId++}`;
    const timer = setTimeout(() => this.expire(id), this.timeoutMs);
    this.pending.set(id, { expects: REPLY_TYPE[type], timer, ...(settle as Settle<ServerEvent['payload']>) });
    return id;
  }

  /** Settles the request a frame answers, if it answers one. */
  settle(event: ServerEvent): void {
    const request = event.id === undefined ? undefined : this.take(event.id);
    if (request === undefined) return;
    if (event.type === 'error') request.reject(ChatError.from(event.payload));
    else if (event.type === request.expects) request.resolve(event.payload);
    else request.reject(new ChatError(ClientErrorCode.BadResponse, `Expected ${request.expects}, got ${event.type}`));
  }

  /** Fails every waiting request, e.g. when the connection they were sent on is gone. */
  rejectAll(error: ChatError): void {
    for (const id of [...this.pending.keys()]) this.take(id)?.reject(error);
  }

  private expire(id: string): void {
    this.take(id)?.reject(new ChatError(ClientErrorCode.Timeout, 'No reply from the server in time'));
  }

  private take(id: string): Pending | undefined {
    const request = this.pending.get(id);
    if (request === undefined) return undefined;
    this.pending.delete(id);
    clearTimeout(request.timer);
    return request;
  }
}

/** Checks a request with the protocol's own parser, so a frame the server would refuse is never sent. */
export function refusalOf<T extends RequestType>(type: T, payload: ClientPayload<T>): ChatError | undefined {
  const parsed = parseClientEvent(JSON.stringify(clientEvent(type, payload)));
  return parsed.ok ? undefined : ChatError.from(parsed.error);
}
