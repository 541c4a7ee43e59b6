import { serverEvent, type ServerEvent, type User } from '@hearth/protocol';
import type { Presence } from './presence.js';

/**
 * Tells everyone who came online and who went offline, gathered over a short window into one `user_online` and
 * one `user_offline` frame. Only real changes go out: someone who reloads a page inside the window never flickers.
 */
export class PresenceNews {
  /** Who everyone has been told is online. */
  private readonly told = new Map<number, User>();
  private readonly touched = new Map<number, User>();
  private timer: NodeJS.Timeout | null = null;
  private toldJson: string | null = null;

  constructor(
    private readonly presence: Presence,
    private readonly broadcast: (event: ServerEvent) => void,
    private readonly windowMs: number,
  ) {}

  /** A user's first connection opened or last one closed. */
  changed(user: User): void {
    this.touched.set(user.id, user);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs).unref();
  }

  /** Tells what has changed now; called before any other event goes out, so news never arrives late. */
  flush(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    const online: User[] = [];
    const offline: number[] = [];
    for (const [id, user] of this.touched) {
      const isOnline = this.presence.countOf(id) > 0;
      if (isOnline === this.told.has(id)) continue;
      if (isOnline) {
        this.told.set(id, user);
        online.push(user);
      } else {
        this.told.delete(id);
        offline.push(id);
      }
    }
    this.touched.clear();
    if (online.length + offline.length === 0) return;
    this.toldJson = null;
    if (offline.length > 0) this.broadcast(serverEvent('user_offline', { user_ids: offline }));
    if (online.length > 0) this.broadcast(serverEvent('user_online', { users: online }));
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
