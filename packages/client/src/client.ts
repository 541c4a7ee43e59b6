import {
  ErrorCode,
  MAX_TOKEN_LENGTH,
  PROTOCOL_VERSION,
  TYPING_NOTICE_INTERVAL_MS,
  type ClientPayload,
  type RequestType,
  type Conversation,
  type Device,
  type InvitePolicy,
  type Member,
  type MemberState,
  type Message,
  type NotifyLevel,
  type ParseError,
  type ServerEventOf,
  type ServerEventType,
  type ServerPayload,
  type User,
} from '@hearth/protocol';
import { ChatError, ClientErrorCode } from './errors.js';
import { ChangeFeed } from './feed.js';
import { newClientId } from './ids.js';
import { Link } from './link.js';
import { Signal, Subscriptions, type Unsubscribe } from './listeners.js';
import { clientDefaults, type ChatClientOptions, type ClientState, type Session } from './options.js';
import { Outbox, type PendingMessage } from './outbox.js';
import { ReadStates } from './read-states.js';
import { refusalOf, type ReplyPayload, type Settle } from './requests.js';

/** How long to wait before sending again when the server refused a send as too fast without saying for how long. */
const RATE_LIMITED_RETRY_MS = 1_000;

/**
 * A connection to a Hearth server that stays connected: it signs in, catches up on what it missed, retries
 * sends whose acknowledgement was lost, and reconnects with backoff until closed or refused for good.
 *
 * Changes (`message`, `conversation_created`, `member_state_updated`, …) are numbered by the server; the client delivers each
 * one once, in the order it learns them, whether it came live or by catch-up, and fetches any it notices missing.
 */
export class ChatClient {
  private readonly link: Link;
  private readonly outbox = new Outbox();
  private readonly feed: ChangeFeed;
  private readonly subscriptions = new Subscriptions();
  private readonly readStates = new ReadStates();
  private readonly stateChanged = new Signal<ClientState>();
  private readonly protocolErrors = new Signal<{ error: ParseError; frame: string }>();
  private readonly resyncs = new Signal<Session>();
  /** When this client last said its user was typing, per conversation. */
  private readonly typedAt = new Map<number, number>();
  private currentState: ClientState = 'idle';
  private currentSession: Session | undefined;
  private ready: Promise<void> | undefined;
  private endedBy: ChatError | undefined;
  private settleReady: Settle<void> | undefined;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;

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
    return this.outbox.pending;
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
    return this.outbox.onChange(listener);
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

  /**
   * Sends a message: now if online, else once reconnected and caught up. A send whose acknowledgement did not come
   * (the connection dropped, or no reply in time, which makes the client reconnect) is sent again with the same
   * client_id, so it is stored once; one refused as too fast waits and goes again. Resolves with the stored
   * message; rejects only with the server's code for a refusal, or `closed`. To retry a rejected send without
   * storing it twice, pass its `clientId` again.
   */
  sendMessage(
    conversationId: number,
    content: string,
    { clientId = newClientId(), replyTo }: { clientId?: string; replyTo?: number } = {},
  ): Promise<Message> {
    const message: PendingMessage = {
      client_id: clientId,
      conversation_id: conversationId,
      content,
      ...(replyTo === undefined ? {} : { reply_to: replyTo }),
      queued_at: Date.now(),
    };
    const refusal = this.currentState === 'closed' ? closedError() : refusalOf('send_message', wire(message));
    if (refusal !== undefined) return Promise.reject(refusal);
    const stored = this.outbox.add(message);
    this.flushIfOnline();
    return stored;
  }

  /** Sends a message that answers another, in its conversation; as `sendMessage` otherwise. */
  reply(to: Pick<Message, 'id' | 'conversation_id'>, content: string, options: { clientId?: string } = {}): Promise<Message> {
    return this.sendMessage(to.conversation_id, content, { ...options, replyTo: to.id });
  }

  /** Replaces the content of one's own message; resolves with the message as it now is. */
  async editMessage(messageId: number, content: string): Promise<Message> {
    return (await this.request('edit_message', { message_id: messageId, content })).message;
  }

  /** Takes back one's own message: it stays in place, deleted, its content gone. */
  async deleteMessage(messageId: number): Promise<Message> {
    return (await this.request('delete_message', { message_id: messageId })).message;
  }

  /** Puts an emoji on a message; doing it twice changes nothing. */
  async react(messageId: number, emoji: string): Promise<Message> {
    return (await this.request('add_reaction', { message_id: messageId, emoji })).message;
  }

  /** Takes back one's own reaction; taking back one never made changes nothing. */
  async unreact(messageId: number, emoji: string): Promise<Message> {
    return (await this.request('remove_reaction', { message_id: messageId, emoji })).message;
  }

  /**
   * Tells a conversation's other members online that this user is writing. Call it as often as the user types: it
   * goes at most every TYPING_NOTICE_INTERVAL_MS per conversation, and not at all while offline.
   */
  typing(conversationId: number): void {
    const now = Date.now();
    if (now - (this.typedAt.get(conversationId) ?? -Infinity) < TYPING_NOTICE_INTERVAL_MS) return;
    this.typedAt.set(conversationId, now);
    this.link.notify('typing', { conversation_id: conversationId });
  }

  /**
   * The user's state in a conversation: how far they have read, how many messages from others are unread (and how
   * many of those mention them), and what notifies them. Kept up to date from the server's changes, including those
   * made on the user's other devices; undefined before signing in or for a conversation not heard of.
   */
  memberState(conversationId: number): MemberState | undefined {
    return this.readStates.get(conversationId);
  }

  /** Every conversation's state, as `memberState` gives it. */
  memberStates(): MemberState[] {
    return this.readStates.all();
  }

  /** Moves the read marker forward to a message the user has seen; every device of theirs learns it. */
  async markRead(conversationId: number, messageId: number): Promise<MemberState> {
    return (await this.request('mark_read', { conversation_id: conversationId, message_id: messageId })).state;
  }

  /** Chooses which messages of a conversation notify the user: all, mentions only, or none. */
  async setNotify(conversationId: number, notify: NotifyLevel): Promise<MemberState> {
    return (await this.request('set_notify', { conversation_id: conversationId, notify })).state;
  }

  /**
   * Has the server send Web Push notifications to a browser push subscription (`PushSubscription.toJSON()`, made with
   * `session.push_key`) while none of this user's connections is open.
   */
  async subscribePush(subscription: ClientPayload<'subscribe_push'>): Promise<void> {
    await this.request('subscribe_push', subscription);
  }

  async unsubscribePush(endpoint: string): Promise<void> {
    await this.request('unsubscribe_push', { endpoint });
  }

  /** Changes this user's nickname (the rules of joining apply); everyone hears `user_updated`. */
  async setNickname(nickname: string): Promise<User> {
    return (await this.request('set_nickname', { nickname })).user;
  }

  /** Opens the DM with a user, or returns the existing one. */
  async createDm(userId: number): Promise<Conversation> {
    return (await this.request('create_dm', { user_id: userId })).conversation;
  }

  async createGroup(userIds: number[]): Promise<Conversation> {
    return (await this.request('create_group', { user_ids: userIds })).conversation;
  }

  /** Names a group, or takes its name away with an empty title; every member hears `conversation_updated`. */
  async renameGroup(conversationId: number, title: string): Promise<Conversation> {
    return (await this.request('rename_group', { conversation_id: conversationId, title })).conversation;
  }

  /** Adds people to a group (those in it already are passed over); they hear of it as `conversation_created`. */
  async addMembers(conversationId: number, userIds: number[]): Promise<Conversation> {
    return (await this.request('add_members', { conversation_id: conversationId, user_ids: userIds })).conversation;
  }

  /** Takes someone out of a group, as its creator or an admin; the group as it is now. */
  async removeMember(conversationId: number, userId: number): Promise<Conversation> {
    return (await this.request('remove_member', { conversation_id: conversationId, user_id: userId })).conversation;
  }

  /** Leaves a group; resolves with the group as it is now, without this user. */
  async leaveConversation(conversationId: number): Promise<Conversation> {
    return (await this.request('leave_conversation', { conversation_id: conversationId })).conversation;
  }

  /**
   * A page of a conversation's messages, oldest first: before `before`, or `around` a message (with `has_newer`), or
   * the newest page.
   */
  loadHistory(conversationId: number, page: { before?: number; around?: number; limit?: number } = {}): Promise<ServerPayload<'history'>> {
    return this.request('load_history', { conversation_id: conversationId, ...page });
  }

  /**
   * A page of the messages this user may read that match a query, newest first: every word, the last also as the
   * start of longer words when followed by `*`. For the next page, pass `before` = the last id of this one.
   */
  search(
    query: string,
    filter: { conversationId?: number; userId?: number; before?: number; limit?: number } = {},
  ): Promise<ServerPayload<'search_results'>> {
    const { conversationId, userId, before, limit } = filter;
    return this.request('search', { query, conversation_id: conversationId, user_id: userId, before, limit });
  }

  /** A new invite: single-use and for INVITE_TTL_DEFAULT_S unless said otherwise (`expiresIn` in seconds). */
  createInvite(options: { expiresIn?: number; maxUses?: number } = {}): Promise<ServerPayload<'invite_created'>> {
    return this.request('create_invite', { expires_in: options.expiresIn, max_uses: options.maxUses });
  }

  /** This user's devices, most recently used first; this one is marked `current`. */
  async sessions(): Promise<Device[]> {
    return (await this.request('list_sessions', {})).sessions;
  }

  /** Signs one of this user's devices out (this one too, which then closes with `signed_out`); the devices left. */
  async revokeSession(sessionId: number): Promise<Device[]> {
    return (await this.request('revoke_session', { session_id: sessionId })).sessions;
  }

  /** Signs out every device of this user but this one. */
  async revokeOtherSessions(): Promise<Device[]> {
    return (await this.request('revoke_other_sessions', {})).sessions;
  }

  /** A one-time link that signs another device in: as this user, or (admins) as `userId`, to recover their account. */
  createSignInLink(userId?: number): Promise<ServerPayload<'sign_in_link'>> {
    return this.request('create_sign_in_link', { user_id: userId });
  }

  /** Admins: everyone, with their last activity. */
  async members(): Promise<Member[]> {
    return (await this.request('list_members', {})).members;
  }

  /** The owner: makes a member an admin, or an admin a member. */
  async setRole(userId: number, role: 'admin' | 'member'): Promise<User> {
    return (await this.request('set_role', { user_id: userId, role })).user;
  }

  /** Admins: the account can no longer sign in, and its devices are signed out. */
  async deactivateUser(userId: number): Promise<User> {
    return (await this.request('deactivate_user', { user_id: userId })).user;
  }

  async reactivateUser(userId: number): Promise<User> {
    return (await this.request('reactivate_user', { user_id: userId })).user;
  }

  /** Admins: every invite, newest first, and who may invite. */
  invites(): Promise<ServerPayload<'invites'>> {
    return this.request('list_invites', {});
  }

  revokeInvite(code: string): Promise<ServerPayload<'invites'>> {
    return this.request('revoke_invite', { code });
  }

  setInvitePolicy(policy: InvitePolicy): Promise<ServerPayload<'invites'>> {
    return this.request('set_invite_policy', { policy });
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
    this.flush();
  }

  /**
   * Sends the outbox one message at a time, oldest first: messages are stored in the order they were written, and a
   * backlog flushed after a reconnect never floods the server. One the server refused for going too fast waits as
   * long as it said and goes again; one lost with its connection goes again on the next.
   */
  private flush(): void {
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

  private resendLater(message: PendingMessage, delayMs = RATE_LIMITED_RETRY_MS): void {
    this.outbox.retry(message);
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.flushIfOnline();
    }, delayMs);
  }

  private flushIfOnline(): void {
    if (this.currentState === 'online') this.flush();
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
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
    this.link.stop(error);
    this.outbox.failAll(error);
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

function wire({ conversation_id, content, client_id, reply_to }: PendingMessage): ClientPayload<'send_message'> {
  return reply_to === undefined ? { conversation_id, content, client_id } : { conversation_id, content, client_id, reply_to };
}
