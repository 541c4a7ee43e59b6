import { parseStream, serverEvent, type InvitePolicy, type User } from '@hearth/protocol';
import type { Change } from '../domain/changes.js';
import type { Contacts } from '../domain/contacts.js';
import type { Directory } from '../domain/directory.js';
import type { Logger } from '../log.js';
import { commitToDelivery } from '../metrics.js';
import type { Connection } from './connection.js';
import { encode, textFrame, type Frame } from './frame.js';
import type { Presence } from './presence.js';
import { PresenceNews } from './presence-news.js';

/** The connection whose request made a change, and that request's id: it hears the change as its reply. */
export interface Origin {
  conn: Connection;
  requestId: string | undefined;
}

/** Keeps something in memory up to date with the changes every process commits. */
export type Follower = (change: Change) => void;

/**
 * The one place committed changes go out. Who hears a change was decided where it was made, by its stream; this
 * brings what is kept in memory up to date (the directory first: a new member hears their conversation's first
 * change), then writes the change, serialised once, to those of this process's sockets that its stream names.
 * Changes are published in seq order, so every connection receives them in that order. With several processes the
 * bus plugs in here (`cluster`), publishing what this process committed and feeding in what others did, in seq order.
 */
export class Publisher {
  readonly news: PresenceNews;
  /** The newest change published: a client signing in now hears every later one live. */
  private published = 0;
  /** The newest message published, for `auth_ok.last_message_id`. */
  private newestMessage: number;
  /** The seq of the newest change to a message's text (sent, edited or deleted): what search must have indexed. */
  private newestMessageSeq: number;
  /** Told of every change, in seq order, before anyone hears it. */
  private readonly followers: Follower[];
  /** Told of each change this process committed, once it went out: Web Push reaches those with no connection open. */
  private readonly committedHere: Follower[] = [];
  /**
   * With several processes (bus/cluster.ts): tells the others of what this one committed and what is typed here, and
   * puts everyone's changes in seq order before `deliver` sends them. Without, a change goes out as it commits.
   */
  cluster: Cluster | undefined;

  constructor(
    private readonly presence: Presence,
    private readonly directory: Directory,
    private readonly log: Logger,
    news: { windowMs: number; contacts: Contacts },
    start: { head: number; newestMessageId: number },
  ) {
    this.followers = [(change) => directory.apply(change), (change) => this.renamed(change)];
    this.published = start.head;
    this.newestMessage = start.newestMessageId;
    this.newestMessageSeq = start.head;
    this.news = new PresenceNews(presence, news.contacts, (frames) => this.toEveryone(frames), news.windowMs);
  }

  /** The seq of the newest change published: `auth_ok.cursor`. Every change below it has been published. */
  get cursor(): number {
    return this.published;
  }

  /** Whether every change up to `seq` has been published here, waiting a moment for the bus to bring what it has not yet. */
  async reached(seq: number): Promise<boolean> {
    return seq <= this.published || (this.cluster !== undefined && (await this.cluster.reached(seq)));
  }

  /** The seq of the newest message change published (sent, edited or deleted), for how far search lags behind it. */
  get messageCursor(): number {
    return this.newestMessageSeq;
  }

  /** The id of the newest message published (0 if none): protocol 1 clients' cursor. */
  get newestMessageId(): number {
    return this.newestMessage;
  }

  /** Tells `follower` of each change published, here or by another process, once this process has it in order. */
  follow(follower: Follower): void {
    this.followers.push(follower);
  }

  /** Tells `follower` of each change committed here, once it has gone out: each change is followed by one process. */
  followCommitted(follower: Follower): void {
    this.committedHere.push(follower);
  }

  /** A change this process committed, just now or at `committedAt` (performance.now()). */
  publish(change: Change, origin?: Origin, committedAt = performance.now()): void {
    const json = JSON.stringify(change);
    if (this.cluster === undefined) this.deliver(change, json, origin, committedAt);
    else this.cluster.committed(change, json, origin, committedAt);
    for (const follow of this.committedHere) follow(change);
  }

  /**
   * Sends a committed change, serialised once, to those of this process's connections that may see it. `committedAt`
   * is when it committed, for a change this process made.
   */
  deliver(change: Change, json: string, origin?: Origin, committedAt?: number): void {
    // Changes are stored one transaction at a time and published as each commits, so seqs only rise here; were
    // one to come late, clients would take it for a duplicate, so it is worth an error in the log.
    if (change.seq <= this.published) this.log.error({ seq: change.seq, published: this.published }, 'change published out of order');
    this.published = Math.max(this.published, change.seq);
    if (change.type === 'message') this.newestMessage = Math.max(this.newestMessage, change.payload.id);
    if (change.type === 'message' || change.type === 'message_updated') this.newestMessageSeq = change.seq;
    for (const follow of this.followers) follow(change);
    // A newcomer's first message must not reach anyone before the news that they are here.
    this.news.flush();
    this.route(change, textFrame(json), origin?.conn);
    if (origin !== undefined) this.answer(json, origin);
    if (change.type === 'conversation_created') this.news.introduced(change.payload.conversation.members.map((member) => member.id));
    if (committedAt !== undefined) commitToDelivery.observe((performance.now() - committedAt) / 1000);
  }

  private route(change: Change, frame: Frame, except: Connection | undefined): void {
    const stream = parseStream(change.stream);
    if (stream === undefined) return void this.log.error({ seq: change.seq, stream: change.stream }, 'change in an unknown stream not delivered');
    if (stream.kind === 'all') this.toEveryone(frame, except);
    else if (stream.kind === 'user') this.toUsers([stream.id], frame, except);
    else this.toConversation(stream.id, frame, except);
  }

  /** The reply to the request that made a change: the change's frame, with the request's id. */
  answer(json: string, origin: Origin): void {
    origin.conn.sendRaw(origin.requestId === undefined ? textFrame(json) : textFrame(withId(json, origin.requestId)));
  }

  /** The user's connections and the presence news carry the user as they are now. */
  private renamed(change: Change): void {
    if (change.type !== 'user_updated') return;
    const user: User = change.payload.user;
    for (const conn of this.presence.connectionsOf(user.id) ?? []) conn.user = user;
    this.news.renamed(user);
  }

  /** Someone is typing: their conversation's other members online hear it, and none of their own connections. */
  typing(conversationId: number, userId: number): void {
    this.cluster?.typing(conversationId, userId);
    this.typingHere(conversationId, userId);
  }

  /** A typing notice for the members connected to this process. */
  typingHere(conversationId: number, userId: number): void {
    const frame = encode(serverEvent('user_typing', { conversation_id: conversationId, user_id: userId }));
    this.toConversation(conversationId, frame, (conn) => conn.user?.id === userId);
  }

  /** Who may invite changed: everyone connected to this process hears it. */
  invitePolicyHere(policy: InvitePolicy): void {
    this.toEveryone(encode(serverEvent('invite_policy_updated', { policy })));
  }

  /** To every member of a conversation (for the lobby: everyone); to nobody if the conversation is unknown. */
  private toConversation(conversationId: number, frame: Frame, except?: Except): void {
    const conversation = this.directory.conversations.get(conversationId);
    if (conversation === undefined) return void this.log.error({ conversationId }, 'change for an unknown conversation not delivered');
    if (conversation.type === 'lobby') this.toEveryone(frame, except);
    else this.toUsers(conversation.members, frame, except);
  }

  private toUsers(userIds: Iterable<number>, frame: Frame, except?: Except): void {
    for (const userId of userIds) {
      const conns = this.presence.connectionsOf(userId);
      if (conns !== undefined) for (const conn of conns) if (!skips(except, conn)) conn.sendRaw(frame);
    }
  }

  private toEveryone(frame: Frame, except?: Except): void {
    for (const conns of this.presence.all()) for (const conn of conns) if (!skips(except, conn)) conn.sendRaw(frame);
  }
}

/** What a bus adds to publishing when several processes share the database. */
export interface Cluster {
  committed(change: Change, json: string, origin: Origin | undefined, committedAt: number): void;
  typing(conversationId: number, userId: number): void;
  reached(seq: number): Promise<boolean>;
}

/** Who is left out of a delivery: one connection (the one the reply goes to), or those a test picks. */
type Except = Connection | ((conn: Connection) => boolean);

function skips(except: Except | undefined, conn: Connection): boolean {
  return typeof except === 'function' ? except(conn) : conn === except;
}

/** The reply to the request that made a change: its frame with the request's id, spliced in rather than serialised again. */
function withId(json: string, requestId: string): string {
  return `${json.slice(0, -1)},"id":${JSON.stringify(requestId)}}`;
}
