import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, ErrorCode, parseClientEvent, PROTOCOL_VERSION, WS_PATH, type ClientEventOf } from '@hearth/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config.js';
import type { Contacts } from '../domain/contacts.js';
import type { Conversations } from '../domain/conversations.js';
import type { Directory } from '../domain/directory.js';
import type { Invites } from '../domain/invites.js';
import type { MemberStates } from '../domain/member-states.js';
import type { Sessions } from '../domain/sessions.js';
import type { ClientAddress } from '../client-address.js';
import type { Logger } from '../log.js';
import { connectionClosed, connectionOpened, connectionSignedIn, errorSent, requestRead } from '../metrics.js';
import { Admission, type Ticket } from './admission.js';
import { Connection } from './connection.js';
import { costOf } from './cost.js';
import { handle, type Dispatch } from './handlers/dispatch.js';
import type { Presence } from './presence.js';
import type { Publisher } from './publisher.js';
import { RequestQueue, type Inbound, type InboundHandlers } from './requests.js';
import type { SessionActivity } from './session-activity.js';
import { TOKEN_PROTOCOL_PREFIX, upgradeToken } from './upgrade-token.js';
import { Welcome } from './welcome.js';

/** What accepting, signing in and closing connections needs. */
export interface GatewayNeeds {
  config: Config;
  publicUrl: string;
  clientAddress: ClientAddress;
  log: Logger;
  sessions: Sessions;
  activity: SessionActivity;
  presence: Presence;
  publisher: Publisher;
  directory: Directory;
  contacts: Contacts;
  conversations: Conversations;
  memberStates: MemberStates;
  invites: Invites;
  bus: Bus;
  /** The server's VAPID public key, for `auth_ok.push_key`. */
  pushKey: string;
}

/** Accepts WebSocket upgrades, authenticates connections and feeds their frames to the dispatcher. */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly admission: Admission;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly welcome: Welcome;
  private readonly handlers: InboundHandlers = {
    one: (conn, inbound) => this.handle(conn, inbound),
    sends: (conn, sends) => (conn.user === null ? this.refuseAuth(conn, ErrorCode.AuthRequired, CloseCode.AuthRequired) : this.dispatch.sends(conn, sends)),
    failed: (conn, inbound, error) => this.failed(conn, inbound, error),
  };

  constructor(
    private readonly needs: GatewayNeeds,
    private readonly dispatch: Dispatch,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: needs.config.maxFrameBytes, perMessageDeflate: false, handleProtocols: chooseProtocol });
    this.admission = new Admission(needs.config, needs.publicUrl);
    this.heartbeat = setInterval(() => this.sweep(), needs.config.heartbeatMs);
    this.heartbeat.unref();
    this.welcome = new Welcome(needs.directory, needs.contacts, needs.publisher.news);
  }

  /** Answers a bad upgrade with an HTTP status instead of a socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = req.url?.split('?')[0];
    if (path !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.admission.originAllowed(req)) return rejectUpgrade(socket, 403, 'Forbidden');
    const address = this.needs.clientAddress(req);
    const group = this.admission.groupOf(address);
    const ticket = this.admission.take(group);
    if (ticket !== undefined) return this.upgrade(req, socket, head, address, ticket);
    const token = upgradeToken(req);
    if (token === undefined || !this.admission.reserveHasRoom) return rejectUpgrade(socket, 503, 'Service Unavailable');
    void this.upgradeWithToken(req, socket, head, address, group, token);
  }

  /**
   * The open pool (or the group's share of it) is full: a valid token earns one of the places kept. The token is read
   * only then, so it costs a lookup only under pressure; the place is taken once the lookup is back.
   */
  private async upgradeWithToken(req: IncomingMessage, socket: Duplex, head: Buffer, address: string, group: string, token: string): Promise<void> {
    const valid = (await this.needs.sessions.authenticate(token).catch(() => undefined)) !== undefined;
    if (socket.destroyed) return;
    const ticket = valid ? this.admission.takeReserved(group) : undefined;
    if (ticket === undefined) return rejectUpgrade(socket, 503, 'Service Unavailable');
    this.upgrade(req, socket, head, address, ticket);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address: string, ticket: Ticket): void {
    // A socket that ends before the handshake completes never becomes a connection: its place is given back here.
    let accepted = false;
    socket.once('close', () => {
      if (!accepted) this.admission.settled(ticket);
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      accepted = true;
      this.accept(ws, socket, address, ticket);
    });
  }

  /** Closes every connection with "going away". */
  closeAll(): void {
    clearInterval(this.heartbeat);
    this.needs.publisher.news.stop();
    for (const conn of this.connections) conn.drop(CloseCode.GoingAway, 'server shutting down');
    this.wss.close();
  }

  private accept(ws: WebSocket, stream: Duplex, address: string, ticket: Ticket): void {
    const conn = new Connection(ws, stream, address, this.needs.config);
    conn.ticket = ticket;
    const requests = new RequestQueue(conn, this.handlers);
    this.connections.add(conn);
    connectionOpened();
    conn.authTimer = setTimeout(() => this.refuseAuth(conn, ErrorCode.AuthTimeout, CloseCode.AuthTimeout), this.needs.config.authTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(conn, requests, data, isBinary));
    ws.on('pong', () => (conn.alive = true));
    ws.on('close', () => this.onClose(conn));
    ws.on('error', (error) => this.onSocketError(conn, error));
  }

  /** Reads a frame and queues it behind the connection's earlier ones; only the rate limit is decided at once. */
  private onFrame(conn: Connection, requests: RequestQueue, data: RawData, isBinary: boolean): void {
    // Once the server has decided to close a connection, what it still sends costs nothing more.
    if (!conn.open) return;
    const parsed: Inbound = isBinary
      ? { ok: false, error: { code: ErrorCode.InvalidFrame, message: 'Frames must be text' } }
      : parseClientEvent(data.toString());
    requestRead(parsed.ok ? parsed.event.type : 'invalid');
    if (conn.user !== null) {
      const verdict = this.admit(conn, parsed.ok ? costOf(parsed.event, this.needs.publisher.cursor) : 1);
      if (verdict === 'drop') return;
      if (verdict !== 'ok') {
        const id = parsed.ok ? parsed.event.id : parsed.error.id;
        return requests.push({ ok: false, error: { code: ErrorCode.RateLimited, message: 'Too many requests; slow down', id, retry_after_ms: verdict.retryAfterMs } });
      }
    }
    requests.push(parsed);
  }

  private async handle(conn: Connection, inbound: Inbound): Promise<void> {
    if (conn.user === null) {
      if (inbound.ok && inbound.event.type === 'auth') return this.authenticate(conn, inbound.event);
      return this.refuseAuth(conn, ErrorCode.AuthRequired, CloseCode.AuthRequired);
    }
    if (!inbound.ok) {
      const { code, message, id, ...extra } = inbound.error;
      return conn.fail(code, message, id, extra);
    }
    const { event } = inbound;
    if (event.type === 'auth') return conn.fail(ErrorCode.AlreadyAuthenticated, 'This connection is already authenticated', event.id);
    if (event.type === 'send_message') return this.dispatch.sends(conn, [event]);
    return handle(this.dispatch.handlers, conn, event);
  }

  private failed(conn: Connection, inbound: Inbound, error: unknown): void {
    const type = inbound.ok ? inbound.event.type : inbound.error.code;
    this.needs.log.error({ err: error, type, userId: conn.user?.id }, 'request failed');
    conn.fail(ErrorCode.InternalError, 'The server could not handle this request', inbound.ok ? inbound.event.id : inbound.error.id);
  }

  /**
   * Rate limit per connection, each request paying its cost before it is queued: excess gets `rate_limited`;
   * flooding on regardless closes the connection.
   */
  private admit(conn: Connection, cost: number): 'ok' | 'drop' | { retryAfterMs: number } {
    const verdict = conn.bucket.take(cost);
    if (verdict.ok) {
      conn.refusedInARow = 0;
      return 'ok';
    }
    conn.refusedInARow += 1;
    if (conn.refusedInARow <= this.needs.config.floodLimit) return verdict;
    if (conn.refusedInARow === this.needs.config.floodLimit + 1) {
      this.needs.log.warn({ userId: conn.user?.id, address: conn.address }, 'closing flooding connection');
      conn.drop(CloseCode.RateLimited, 'rate limit exceeded');
    }
    return 'drop';
  }

  private async authenticate(conn: Connection, event: ClientEventOf<'auth'>): Promise<void> {
    const { sessions, presence, conversations, publisher, config, memberStates, invites } = this.needs;
    const signedIn = await sessions.authenticate(event.payload.token);
    if (!conn.open) return;
    if (signedIn === undefined) return this.refuseAuth(conn, ErrorCode.InvalidToken, CloseCode.AuthFailed, event.id);
    const { user, sessionId } = signedIn;
    // Read before the states are counted: a change published meanwhile is after this cursor, and the catch-up that
    // follows every sign-in brings it, so the welcome never claims more than it counted.
    const cursor = publisher.cursor;
    const lastMessageId = publisher.newestMessageId;
    const states = await memberStates.forWelcome(user.id, lastMessageId);
    if (!conn.open) return;
    // Deactivated while the sign-in was being read: the closing of their connections has passed this one by.
    if (this.needs.directory.users.get(user.id)?.deactivated === true) {
      return this.refuseAuth(conn, ErrorCode.InvalidToken, CloseCode.AuthFailed, event.id);
    }
    // The cap counts the user's connections on every process; with one process the answer comes at once.
    const admitted = this.needs.bus.admit(user.id, config.maxConnectionsPerUser, presence.countOf(user.id));
    if (admitted !== true && (admitted === false || !(await admitted))) {
      return this.refuseAuth(conn, ErrorCode.TooManyConnections, CloseCode.TooManyConnections, event.id);
    }
    // Closed while the other processes were asked: the place it was given is given back.
    if (!conn.open) return this.needs.bus.released(user.id);
    clearTimeout(conn.authTimer);
    this.settle(conn);
    conn.user = user;
    conn.sessionId = sessionId;
    connectionSignedIn();
    const cameOnline = presence.add(conn);
    // Everything below is as of `cursor`; every later change reaches this connection live or by its catch-up.
    const welcome = {
      user,
      conversations: conversations.listFor(user.id),
      last_message_id: lastMessageId,
      cursor,
      protocol_version: PROTOCOL_VERSION,
      member_states: states,
      push_key: this.needs.pushKey,
      session_id: sessionId,
      invite_policy: invites.policy,
    };
    conn.toldOfEveryone = this.needs.contacts.everyone;
    conn.sendRaw(this.welcome.frame(welcome, event.id));
    if (cameOnline) publisher.news.changed(user);
    // A revoke that committed after the token was read and before the connection was registered found nothing here
    // to close. Read again now that it is registered, so any revoke is seen by this read or closes it itself.
    if (!(await sessions.stillSignedIn(sessionId)) && conn.open) conn.drop(CloseCode.SessionRevoked, 'signed out');
  }

  private refuseAuth(conn: Connection, code: ErrorCode, closeCode: number, id?: string): void {
    const messages: Partial<Record<ErrorCode, string>> = {
      [ErrorCode.AuthTimeout]: 'No auth frame arrived in time',
      [ErrorCode.AuthRequired]: 'The first frame must be auth',
      [ErrorCode.InvalidToken]: 'This token is not valid',
      [ErrorCode.TooManyConnections]: 'Too many open connections for this user',
    };
    errorSent(code);
    conn.reply('auth_error', { code, message: messages[code] ?? 'Authentication failed' }, id);
    conn.drop(closeCode, code);
  }

  private onClose(conn: Connection): void {
    this.connections.delete(conn);
    connectionClosed(conn.user !== null);
    clearTimeout(conn.authTimer);
    if (conn.user === null) {
      this.settle(conn);
      return;
    }
    this.needs.activity.ended(conn);
    if (this.needs.presence.remove(conn)) this.needs.publisher.news.changed(conn.user);
    this.needs.bus.released(conn.user.id);
  }

  /** Gives the connection's place in the pool back, once. */
  private settle(conn: Connection): void {
    if (conn.ticket === undefined) return;
    this.admission.settled(conn.ticket);
    conn.ticket = undefined;
  }

  private onSocketError(conn: Connection, error: Error & { code?: string }): void {
    // ws closes with 1009 itself when a frame is over maxPayload; anything else is a broken peer.
    this.needs.log.debug({ err: error, userId: conn.user?.id }, 'socket error');
  }

  /** Drops connections that did not answer the last ping. */
  private sweep(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }
}

/** The subprotocol answered: `hearth` when offered, never the one carrying a token (it would echo the token back). */
function chooseProtocol(offered: Set<string>): string | false {
  if (offered.has('hearth')) return 'hearth';
  return [...offered].find((protocol) => !protocol.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? false;
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
