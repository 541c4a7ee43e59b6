import type { ServerPayload, User } from '@hearth/protocol';
import type { Directory } from '../domain/directory.js';
import { textFrame, type Frame } from './frame.js';
import type { PresenceNews } from './presence-news.js';

/** What auth_ok carries besides its two long lists, which are the same for every newcomer. */
export type WelcomePayload = Omit<ServerPayload<'auth_ok'>, 'users' | 'online_users'>;

/**
 * Builds `auth_ok`. Everyone on the server and everyone online are the bulk of it and the same for every newcomer,
 * so their JSON is made once per change and spliced in, rather than serialised again for each sign-in.
 */
export class Welcome {
  private usersVersion = -1;
  private usersJson = '';

  constructor(
    private readonly directory: Directory,
    private readonly news: PresenceNews,
  ) {}

  frame(payload: WelcomePayload, id?: string): Frame {
    const rest = JSON.stringify(payload).slice(1);
    const tail = id === undefined ? '}' : `,"id":${JSON.stringify(id)}}`;
    const lists = `"online_users":${this.news.onlineJson(payload.user)},"users":${this.everyoneJson()}`;
    return textFrame(`{"type":"auth_ok","payload":{${lists},${rest}${tail}`);
  }

  private everyoneJson(): string {
    if (this.directory.usersVersion !== this.usersVersion) {
      this.usersJson = JSON.stringify([...this.directory.users.values()] satisfies User[]);
      this.usersVersion = this.directory.usersVersion;
    }
    return this.usersJson;
  }
}
