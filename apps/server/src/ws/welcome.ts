import type { ServerPayload, User } from '@hearth/protocol';
import type { Contacts } from '../domain/contacts.js';
import type { Directory } from '../domain/directory.js';
import { textFrame, type Frame } from './frame.js';
import type { PresenceNews } from './presence-news.js';

/** What auth_ok carries besides its two long lists. */
export type WelcomePayload = Omit<ServerPayload<'auth_ok'>, 'users' | 'online_users' | 'users_partial'>;

/**
 * Builds `auth_ok`. On a small server everyone and everyone online are the bulk of it and the same for every
 * newcomer, so their JSON is made once per change and spliced in. On a big one (see `Contacts`) it names the
 * user's contacts only, flagged `users_partial`.
 */
export class Welcome {
  private usersVersion = -1;
  private usersJson = '';

  constructor(
    private readonly directory: Directory,
    private readonly contacts: Contacts,
    private readonly news: PresenceNews,
  ) {}

  frame(payload: WelcomePayload, id?: string): Frame {
    const rest = JSON.stringify(payload).slice(1);
    const tail = id === undefined ? '}' : `,"id":${JSON.stringify(id)}}`;
    const users = this.contacts.everyone ? `"users":${this.everyoneJson()}` : `"users":${this.contactsJson(payload.user)},"users_partial":true`;
    const lists = `"online_users":${this.news.onlineJson(payload.user)},${users}`;
    return textFrame(`{"type":"auth_ok","payload":{${lists},${rest}${tail}`);
  }

  private everyoneJson(): string {
    if (this.directory.usersVersion !== this.usersVersion) {
      this.usersJson = JSON.stringify([...this.directory.users.values()] satisfies User[]);
      this.usersVersion = this.directory.usersVersion;
    }
    return this.usersJson;
  }

  private contactsJson(user: User): string {
    return JSON.stringify([...this.contacts.of(user.id)].map((id) => (id === user.id ? user : this.directory.users.get(id)!)));
  }
}
