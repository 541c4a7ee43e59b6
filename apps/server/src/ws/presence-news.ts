import { serverEvent, type User } from '@hearth/protocol';
import type { Contacts } from '../domain/contacts.js';
import type { Connection } from './connection.js';
import { encode, type Frame } from './frame.js';
import type { Presence } from './presence.js';

/** One user's presence news, framed once for all who hear it. */
interface News {
  userId: number;
  frame: Frame;
}

/**
 * Tells who came online and who went offline. Changes are gathered over a short window and only real ones go out
 * (someone who reloads a page inside the window never flickers), one `user_online` or `user_offline` frame per user
 * as the design note has them, written to each connection together in one write: a crowd signing in at once costs
 * each connection one write per window rather than one per newcomer. Everyone hears everyone on a small server;
 * on a big one each user's contacts hear of them (see `Contacts`).
 */
export class PresenceNews {
  /** Who the server has told of as online. */
  private readonly told = new Map<number, User>();
  private readonly touched = new Map<number, User>();
  private timer: NodeJS.Timeout | null = null;
  private toldJson: string | null = null;

  constructor(
    private readonly presence: Presence,
    private readonly contacts: Contacts,
    private readonly toEveryone: (frames: Frame) => void,
    private readonly windowMs: number,
  ) {}

  /** A user's first connection opened or last one closed. */
  changed(user: User): void {
    this.touched.set(user.id, user);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs).unref();
  }

  /** Someone changed their nickname: the online list new sign-ins get names them as they are now. */
  renamed(user: User): void {
    if (this.touched.has(user.id)) this.touched.set(user.id, user);
    if (!this.told.has(user.id)) return;
    this.told.set(user.id, user);
    this.toldJson = null;
  }

  /** Tells what has changed now; called before any change goes out, so a newcomer's news comes before their messages. */
  flush(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    const news: News[] = [];
    for (const [id, user] of this.touched) {
      const isOnline = this.presence.isOnline(id);
      if (isOnline === this.told.has(id)) continue;
      if (isOnline) {
        this.told.set(id, user);
        news.push({ userId: id, frame: encode(serverEvent('user_online', { user })) });
      } else {
        this.told.delete(id);
        news.push({ userId: id, frame: encode(serverEvent('user_offline', { user_id: id })) });
      }
    }
    this.touched.clear();
    if (news.length === 0) return;
    this.toldJson = null;
    if (this.contacts.everyone) this.toEveryone(joined(news.map((n) => n.frame)));
    else this.toContacts(news);
  }

  /**
   * `auth_ok.online_users` as JSON: who the server has told of as online, plus the newcomer, on a big server only
   * among the newcomer's contacts. The news that follows brings the newcomer up to date exactly as it does everyone
   * else. Everyone's list is serialised once per change.
   */
  onlineJson(newcomer: User): string {
    if (!this.contacts.everyone) {
      const online: User[] = [];
      for (const id of this.contacts.of(newcomer.id)) {
        const user = this.told.get(id);
        if (user !== undefined && id !== newcomer.id) online.push(user);
      }
      return JSON.stringify([...online, newcomer]);
    }
    this.toldJson ??= JSON.stringify([...this.told.values()]);
    if (this.told.has(newcomer.id)) return this.toldJson;
    const self = JSON.stringify(newcomer);
    return this.told.size === 0 ? `[${self}]` : `${this.toldJson.slice(0, -1)},${self}]`;
  }

  /**
   * People who just became contacts (a DM opened, a group made or joined) on a big server: each of their
   * connections hears who of the others is online, as a sign-in would have told it.
   */
  introduced(userIds: readonly number[]): void {
    if (this.contacts.everyone) return;
    const online: News[] = [];
    for (const userId of userIds) {
      const user = this.told.get(userId);
      if (user !== undefined) online.push({ userId, frame: encode(serverEvent('user_online', { user })) });
    }
    if (online.length === 0) return;
    for (const userId of userIds) {
      const frames = online.filter((news) => news.userId !== userId).map((news) => news.frame);
      if (frames.length === 0) continue;
      const frame = joined(frames);
      for (const conn of this.presence.connectionsOf(userId) ?? []) conn.sendRaw(frame);
    }
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Each connection hears of its user's contacts only, the window's frames for it still in one write; one that
   * signed in while the server was small was told of everyone, and goes on hearing everyone so its list stays true.
   */
  private toContacts(news: News[]): void {
    let everyone: Frame | undefined;
    for (const conns of this.presence.all()) for (const conn of conns) if (conn.toldOfEveryone) conn.sendRaw((everyone ??= joined(news.map((n) => n.frame))));
    const byConnection = new Map<Connection, Frame[]>();
    for (const { userId, frame } of news) {
      for (const contact of this.contacts.of(userId)) {
        for (const conn of this.presence.connectionsOf(contact) ?? []) {
          if (conn.toldOfEveryone) continue;
          const frames = byConnection.get(conn);
          if (frames === undefined) byConnection.set(conn, [frame]);
          else frames.push(frame);
        }
      }
    }
    for (const [conn, frames] of byConnection) conn.sendRaw(joined(frames));
  }
}

function joined(frames: Frame[]): Frame {
  return (frames.length === 1 ? frames[0]! : Buffer.concat(frames)) as Frame;
}
