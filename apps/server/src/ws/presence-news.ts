import { serverEvent, type User } from '@hearth/protocol';
import { encode, type Frame } from './frame.js';
import type { Presence } from './presence.js';

/**
 * Tells everyone who came online and who went offline. Changes are gathered over a short window and only real ones
 * go out (someone who reloads a page inside the window never flickers), one `user_online` or `user_offline` frame
 * per user as the design note has them, written to each connection together in one write: a crowd signing in at
 * once costs each connection one write per window rather than one per newcomer.
 */
export class PresenceNews {
  /** Who everyone has been told is online. */
  private readonly told = new Map<number, User>();
  private readonly touched = new Map<number, User>();
  private timer: NodeJS.Timeout | null = null;
  private toldJson: string | null = null;

  constructor(
    private readonly presence: Presence,
    private readonly broadcast: (frames: Frame) => void,
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
    const frames: Buffer[] = [];
    for (const [id, user] of this.touched) {
      const isOnline = this.presence.isOnline(id);
      if (isOnline === this.told.has(id)) continue;
      if (isOnline) {
        this.told.set(id, user);
        frames.push(encode(serverEvent('user_online', { user })));
      } else {
        this.told.delete(id);
        frames.push(encode(serverEvent('user_offline', { user_id: id })));
      }
    }
    this.touched.clear();
    if (frames.length === 0) return;
    this.toldJson = null;
    this.broadcast((frames.length === 1 ? frames[0]! : Buffer.concat(frames)) as Frame);
  }

  /**
   * `auth_ok.online_users` as JSON: who everyone has been told is online, plus the newcomer. The news that follows
   * brings the newcomer up to date exactly as it does everyone else. The list is serialised once per change.
   */
  onlineJson(newcomer: User): string {
    this.toldJson ??= JSON.stringify([...this.told.values()]);
    if (this.told.has(newcomer.id)) return this.toldJson;
    const self = JSON.stringify(newcomer);
    return this.told.size === 0 ? `[${self}]` : `${this.toldJson.slice(0, -1)},${self}]`;
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
