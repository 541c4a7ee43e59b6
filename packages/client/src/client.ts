import { MAX_TOKEN_LENGTH, PROTOCOL_VERSION, type ClientPayload, type ParseError, type RequestType, type ServerEventOf, type ServerEventType } from '@hearth/protocol';
import { ChatError, ClientErrorCode } from './errors.js';
import { accountRequests, type AccountRequests } from './facets/accounts.js';
import { adminRequests, type AdminRequests } from './facets/admin.js';
import { conversationRequests, type ConversationRequests } from './facets/conversations.js';
import { fileRequests, type FileRequests } from './facets/files.js';
import { messageRequests, type MessageRequests } from './facets/messages.js';
import { peopleRequests, type PeopleRequests } from './facets/people.js';
import { ChangeFeed } from './feed.js';
import { Link } from './link.js';
import { Signal, Subscriptions, type Unsubscribe } from './listeners.js';
import { clientDefaults, type ChatClientOptions, type ClientState, type Session } from './options.js';
import type { PendingMessage } from './outbox.js';
import { ReadStates } from './read-states.js';
import { refusalOf, type ReplyPayload, type Settle } from './requests.js';
import { Sender } from './sender.js';

/**
 * What a client can ask, by facet; each facet is a set of functions over the connection's requests (see facets/),
 * given to the client whole, so `client.sendMessage(…)` and the rest are called on the client as ever.
 */
export interface ChatClient extends MessageRequests, ConversationRequests, AccountRequests, AdminRequests, PeopleRequests, FileRequests {}

/**
 * A connection to a Hearth server that stays connected: it signs in, catches up on what it missed, retries
 * sends whose acknowledgement was lost, and reconnects with backoff until closed or refused for good.
 *
 * Changes (`message`, `conversation_created`, `member_state_updated`, …) are numbered by the server; the client delivers each
 * one once, in the order it learns them, whether it came live or by catch-up, and fetches any it notices missing.
 */
export class ChatClient {
  private readonly link: Link;
  private readonly feed: ChangeFeed;
  private readonly subscriptions = new Subscriptions();
  private readonly readStates = new ReadStates();
  private readonly stateChanged = new Signal<ClientState>();
  private readonly protocolErrors = new Signal<{ error: ParseError; frame: string }>();
  private readonly resyncs = new Signal<Session>();
  private currentState: ClientState = 'idle';
  private currentSession: Session | undefined;
  private ready: Promise<void> | undefined;
  private endedBy: ChatError | undefined;
  private settleReady: Settle<void> | undefined;
  private readonly sender: Sender;

  constructor(options: ChatClientOptions) {
    const WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (WebSocket === undefined) throw new TypeError('No WebSocket here: pass options.WebSocket (the `ws` package on Node)');
    if (options.cursor !== undefined && !(Number.isSafeInteger(options.cursor) && options.cursor >= 0)) {
      throw new TypeError(`options.cursor must be a non-negative integer, not ${String(options.cursor)}`);
    }
    // The server would refuse such a token as a malformed frame, and the client would try again for ever.
    if (typeof options.token !== 'string' || options.token.length === 0 || options.token.length > MAX_TOKEN_LENGTH) {
      throw new TypeError(`options.token must be a string of 1 to ${MAX_TOKEN_LENGTH} characters`);
    }
    this.feed = new ChangeFeed(options.cursor, {
      deliver: (event) => {
        // Counted before subscribers hear it, so a subscriber reading `memberState` sees the event's effect.
        this.readStates.apply(event);
        this.subscriptions.emit(event);
      },
      protocolError: (error, frame) => this.protocolErrors.emit({ error, frame }),
      requestCatchUp: (request, settle) => this.link.send('catch_up', request, settle),
      restart: () => this.link.restart(),
      resync: (session) => this.resyncs.emit(session),
      caughtUp: () => this.online(),
    });
    const linkOptions = {
      url: options.url,
      token: options.token,
      WebSocket,
      requestTimeoutMs: options.requestTimeoutMs ?? clientDefaults.requestTimeoutMs,
      heartbeatMs: options.heartbeatMs ?? clientDefaults.heartbeatMs,
      reconnect: { ...clientDefaults.reconnect, ...options.reconnect },
    };
    this.link = new Link(linkOptions, {
      offline: () => {
        this.feed.offline();
        this.setState(this.currentSession === undefined ? 'connecting' : 'reconnecting');
      },
      authenticating: () => this.setState('authenticating'),
      signedIn: (event) => this.signedIn(event),
      event: (event) => this.feed.received(event),
      unknown: (frame) => this.feed.receivedUnknown(frame),
      invalid: (error, frame) => this.protocolErrors.emit({ error, frame }),
      refused: (error) => this.shutDown(error),
    });
    this.sender = new Sender(this.link, () => this.currentState === 'online');
    const request = this.request.bind(this);
    const closed = () => (this.currentState === 'closed' ? closedError() : undefined);
    const messages = messageRequests(request, this.sender, closed);
    Object.assign(
      this,
      messages,
      fileRequests(options.url, options.token, messages),
      conversationRequests(request, this.link, this.readStates),
      accountRequests(request),
      adminRequests(request),
      peopleRequests(request),
    );
  }

  get state(): ClientState {
    return this.currentState;
  }

  /**
   * Why the client closed for good, once its state is `closed`: `closed` after `close()`, `signed_out` when this
   * device was signed out, `account_deactivated`, or the server's refusal of the token (`invalid_token`).
   */
  get closeReason(): ChatError | undefined {
    return this.endedBy;
  }

  /** The last `auth_ok` payload; undefined until the first sign-in. */
  get session(): Session | undefined {
    return this.currentSession;
  }

  /**
   * The `seq` of the newest change delivered to subscribers (or the catch-up point, when a catch-up delivered
   * nothing newer). While a gap in live numbers is being repaired it stays at the catch-up point below the gap,
   * so that a session resumed from it still gets the missing change. Keep it, e.g. in storage, and pass it back as
   * option `cursor` to resume a later session where this one stopped. Undefined until the first sign-in, unless
   * option `cursor` was given.
   */
  get cursor(): number | undefined {
    return this.feed.highest;
  }

  /**
   * How many frames were skipped because their type is unknown to this client (a newer server may send new
   * ones), live or in catch-up pages. They are not protocol errors; each change among them is counted once.
   */
  get unknownEvents(): number {
    return this.feed.unknownEvents;
  }

  /** Sends not yet acknowledged, oldest first. */
  get pending(): readonly PendingMessage[] {
    return this.sender.outbox.pending;
  }

  /**
   * Subscribes to a server event. Each change (`message`, `conversation_created`, `user_joined`) is delivered
   * once, whether it came live, by catch-up, or both; the sender's own `message` acknowledgement included.
   */
  on<T extends ServerEventType>(type: T, handler: (event: ServerEventOf<T>) => void): Unsubscribe {
    return this.subscriptions.on(type, handler);
  }

  onStateChange(listener: (state: ClientState) => void): Unsubscribe {
    return this.stateChanged.add(listener);
  }

  onOutboxChange(listener: (pending: readonly PendingMessage[]) => void): Unsubscribe {
    return this.sender.outbox.onChange(listener);
  }

  /**
   * Frames that do not fit the protocol; they are dropped, not dispatched. Fields the protocol does not declare
   * are accepted, and frames of an unknown type are skipped and counted in `unknownEvents`: neither is reported.
   */
  onProtocolError(listener: (error: ParseError, frame: string) => void): Unsubscribe {
    return this.protocolErrors.add(({ error, frame }) => listener(error, frame));
  }

  /**
   * The server no longer keeps every change since this client's cursor (it trims its log), so some were missed
   * for good. Listeners must reload what they keep: conversations and users from `session` (the `auth_ok` just
   * received, passed here too), and the messages of each conversation shown with `loadHistory`. Changes after
   * `session.cursor` are then delivered as usual, and `cursor` starts again from there.
   */
  onResync(listener: (session: Session) => void): Unsubscribe {
    return this.resyncs.add(listener);
  }

  /**
   * Connects; resolves once online the first time, rejects if the server refuses the token or close() comes first.
   * A client closed for good stays closed: connecting again rejects with why it closed.
   */
  connect(): Promise<void> {
    if (this.currentState === 'closed') return Promise.reject(this.endedBy ?? closedError());
    if (this.currentState === 'idle') {
      this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
      this.link.start();
    }
    return this.ready ?? Promise.reject(closedError());
  }

  /**
   * The network is back (a browser's `online` event) or the person asked: reconnect at once instead of after the
   * backoff delay, or, if connected, check the connection now.
   */
  reconnectNow(): void {
    if (this.currentState !== 'closed' && this.currentState !== 'idle') this.link.reconnectNow();
  }

  /**
   * The network is gone (a browser's `offline` event): drop the connection now rather than wait for the heartbeat
   * to notice, and keep trying with backoff. Unacknowledged sends stay in the outbox.
   */
  connectionLost(): void {
    if (this.currentState !== 'closed' && this.currentState !== 'idle') this.link.restart();
  }

  /** Disconnects for good. Requests and unacknowledged sends reject with `closed`. */
  close(): void {
    if (this.currentState !== 'closed') this.shutDown(closedError());
  }

  async ping(): Promise<void> {
    await this.request('ping', {});
  }

  private signedIn(event: ServerEventOf<'auth_ok'>): void {
    this.currentSession = event.payload;
    this.readStates.signIn(event.payload);
    this.subscriptions.emit(event);
    const serverCursor = event.payload.cursor;
    if (serverCursor === undefined) {
      const version = event.payload.protocol_version ?? 1;
      return this.shutDown(
        new ChatError(ClientErrorCode.BadResponse, `The server speaks protocol ${version}; this client needs ${PROTOCOL_VERSION}`),
      );
    }
    this.feed.signIn(event.payload, serverCursor);
  }

  /** Signed in and caught up: sends may go. */
  private online(): void {
    this.link.healthy();
    this.setState('online');
    this.settleReady?.resolve();
    this.sender.flush();
  }

  private request<T extends RequestType>(type: T, payload: ClientPayload<T>): Promise<ReplyPayload<T>> {
    return new Promise<ReplyPayload<T>>((resolve, reject) => {
      const refusal = this.currentState === 'closed' ? closedError() : refusalOf(type, payload);
      if (refusal !== undefined) return reject(refusal);
      this.link.send(type, payload, { resolve, reject });
    });
  }

  private shutDown(error: ChatError): void {
    this.endedBy = error;
    this.feed.offline();
    this.link.stop(error);
    this.sender.stop(error);
    this.settleReady?.reject(error);
    this.setState('closed');
  }

  private setState(state: ClientState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateChanged.emit(state);
  }
}

function closedError(): ChatError {
  return new ChatError(ClientErrorCode.Closed, 'The client was closed');
}
