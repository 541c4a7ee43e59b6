import type { ServerEvent } from '@hearth/protocol';
import type { Directory } from '../domain/directory.js';
import type { Connection } from './connection.js';
import { encode, type Frame } from './frame.js';
import type { Presence } from './presence.js';
import { PresenceNews } from './presence-news.js';

/** Who hears what. Each event is serialised once and the same bytes go to every recipient. */
export class Fanout {
  readonly news: PresenceNews;

  constructor(
    private readonly presence: Presence,
    private readonly directory: Directory,
    presenceNewsMs: number,
  ) {
    this.news = new PresenceNews(presence, (event) => this.everyone(encode(event)), presenceNewsMs);
  }

  /** To every connection of every member of a conversation (for the lobby: everyone online). */
  toConversation(conversationId: number, event: ServerEvent, except?: Connection): void {
    const entry = this.directory.conversations.get(conversationId);
    if (entry === undefined) return;
    if (entry.type === 'lobby') this.toEveryone(event, except);
    else this.toUsers(entry.members, event, except);
  }

  toUsers(userIds: Iterable<number>, event: ServerEvent, except?: Connection): void {
    // A newcomer's first message must not reach anyone before the news that they are here.
    this.news.flush();
    const frame = encode(event);
    for (const userId of userIds) {
      const conns = this.presence.connectionsOf(userId);
      if (conns !== undefined) for (const conn of conns) if (conn !== except) conn.sendRaw(frame);
    }
  }

  toEveryone(event: ServerEvent, except?: Connection): void {
    this.news.flush();
    this.everyone(encode(event), except);
  }

  private everyone(frame: Frame, except?: Connection): void {
    for (const conns of this.presence.all()) for (const conn of conns) if (conn !== except) conn.sendRaw(frame);
  }
}
