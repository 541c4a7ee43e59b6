import type { AddressInfo } from 'node:net';
import {
  ErrorCode,
  parseClientEvent,
  serverEvent,
  type ClientEvent,
  type ClientEventOf,
  type Message,
  type ServerEvent,
  type ServerPayload,
} from '@hearth/protocol';
import WebSocket, { WebSocketServer } from 'ws';

/** A change as the server keeps and sends it: a full frame with its numbers. */
export type ChangeFrame = ServerPayload<'caught_up'>['changes'][number];

export const ALICE = { id: 1, nickname: 'alice' };
export const BOB = { id: 2, nickname: 'bob' };
export const LOBBY = { id: 1, type: 'lobby' as const, members: [], created_at: 1_767_225_600 };

/** A message frame by Bob in conversation `conversationId`, numbered `seq` after `prev` in its stream. */
export function messageChange(seq: number, prev: number, conversationId = LOBBY.id, content = `change ${seq}`): ChangeFrame {
  const payload: Message = {
    id: seq,
    conversation_id: conversationId,
    user_id: BOB.id,
    content,
    client_id: `bob-${seq}`,
    created_at: 1_767_225_600 + seq,
  };
  return { type: 'message', payload, seq, prev, stream: `c${conversationId}` };
}

export interface StubOptions {
  /** The change log the server starts with, oldest first. */
  log?: ChangeFrame[];
  /** Changes up to this seq have been trimmed: a `catch_up` after an older cursor is refused with resync_required. */
  trimmedThrough?: number;
  /** Changes per `caught_up` page, at most; the client's `limit` applies too. */
  pageSize?: number;
  /** Runs when a `catch_up` arrives, before it is answered: to push live frames that race the reply. */
  beforeCatchUp?(after: number, stub: StubServer): void;
  /** Called with each `catch_up`: a number refuses it as too fast, naming that many milliseconds to wait. */
  tooFast?(after: number, stub: StubServer): number | undefined;
}

/**
 * A tiny fake Hearth server that speaks just enough of protocol 2 for a client to sign in, catch up, ping and
 * send, and lets a test push hand-made frames, gaps and all. Its change log is the test's to shape: `record` a
 * change without sending it and the client sees a gap.
 */
export class StubServer {
  /** Every change the server holds, oldest first. */
  readonly log: ChangeFrame[];
  /** The `after` of every `catch_up` received, in order. */
  readonly catchUps: number[] = [];
  /** Connections that signed in. */
  signIns = 0;
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly options: StubOptions,
  ) {
    this.log = [...(options.log ?? [])];
    wss.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: StubOptions = {}): Promise<StubServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new StubServer(wss, options);
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ws`;
  }

  /** The seq of the newest change held; 0 for none. */
  get newest(): number {
    return this.log.at(-1)?.seq ?? 0;
  }

  /** Adds a change to the log without sending it: a change the client's connection missed. */
  record(change: ChangeFrame): void {
    this.log.push(change);
  }

  /** Adds a change to the log and sends it live to every signed-in connection. */
  publish(change: ChangeFrame): void {
    this.record(change);
    this.push(change);
  }

  /** Sends a frame, as given, to every signed-in connection. */
  push(frame: object | string): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const socket of this.sockets) socket.send(text);
  }

  /** Closes every connection, as a server restart would. */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((resolve) => this.wss.close(resolve));
  }

  private accept(socket: WebSocket): void {
    socket.on('message', (data) => {
      const parsed = parseClientEvent(String(data));
      if (!parsed.ok) return socket.close(4003, parsed.error.message);
      this.answer(socket, parsed.event);
    });
    socket.on('close', () => this.sockets.delete(socket));
  }

  private answer(socket: WebSocket, event: ClientEvent): void {
    const reply = (frame: ServerEvent | (ChangeFrame & { id?: string })) => socket.send(JSON.stringify(frame));
    switch (event.type) {
      case 'auth':
        this.signIns += 1;
        this.sockets.add(socket);
        return reply(
          serverEvent('auth_ok', {
            user: ALICE,
            conversations: [LOBBY],
            online_users: [ALICE],
            users: [ALICE, BOB],
            last_message_id: 0,
            cursor: this.newest,
            protocol_version: 2,
          }),
        );
      case 'catch_up':
        this.catchUps.push(event.payload.after);
        this.options.beforeCatchUp?.(event.payload.after, this);
        const wait = this.options.tooFast?.(event.payload.after, this);
        if (wait !== undefined) return reply(serverEvent('error', { code: ErrorCode.RateLimited, message: 'Too many requests; slow down', retry_after_ms: wait }, event.id));
        return reply(this.catchUp(event));
      case 'send_message': {
        // A retry of a stored message is answered with it, and without numbers: it is no new change.
        const stored = this.log.find((c) => c.type === 'message' && (c.payload as Message).client_id === event.payload.client_id);
        if (stored !== undefined) return reply(serverEvent('message', stored.payload as Message, event.id));
        return reply({ ...this.store(event), id: event.id! });
      }
      case 'ping':
        return reply(serverEvent('pong', {}, event.id));
      default:
        return reply(serverEvent('error', { code: ErrorCode.InternalError, message: 'not in the stub' }, event.id));
    }
  }

  private catchUp({ payload: { after, limit = 200 }, id }: ClientEventOf<'catch_up'>): ServerEvent {
    if (after < (this.options.trimmedThrough ?? 0) || after > this.newest) {
      return serverEvent('error', { code: ErrorCode.ResyncRequired, message: 'Catch up from auth_ok' }, id);
    }
    const newer = this.log.filter((c) => c.seq > after);
    const changes = newer.slice(0, Math.min(limit, this.options.pageSize ?? limit));
    const has_more = changes.length < newer.length;
    return serverEvent('caught_up', { changes, has_more, cursor: has_more ? changes.at(-1)!.seq : this.newest }, id);
  }

  /** Stores a sent message as the next change of its conversation's stream. */
  private store({ payload }: ClientEventOf<'send_message'>): ChangeFrame {
    const stream = `c${payload.conversation_id}`;
    const seq = this.newest + 1;
    const prev = this.log.filter((c) => c.stream === stream).at(-1)?.seq ?? 0;
    // The stub keeps no files: it stores the text of what is sent.
    const { attachments: _files, ...sent } = payload;
    const message: Message = { id: seq, user_id: ALICE.id, created_at: 1_767_225_600 + seq, ...sent };
    const change: ChangeFrame = { type: 'message', payload: message, seq, prev, stream };
    this.record(change);
    return change;
  }
}
