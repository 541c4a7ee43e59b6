import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { nowSeconds } from '../domain/tokens.js';
import type { Connection } from './connection.js';
import type { Presence } from './presence.js';

/**
 * When each device was last connected, written a minute at a time rather than on every sign-in: a storm of
 * reconnections costs no writes, and a device list needs no finer time than that.
 */
export class SessionActivity {
  /** Sessions whose connections closed since the last write. */
  private readonly closed = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly log: Logger,
  ) {}

  ended(conn: Connection): void {
    if (conn.sessionId !== undefined) this.closed.add(conn.sessionId);
  }

  /** Marks every session connected now, or since the last write, as used now. */
  async flush(): Promise<void> {
    const ids = new Set(this.closed);
    this.closed.clear();
    for (const conns of this.presence.all()) for (const conn of conns) if (conn.sessionId !== undefined) ids.add(conn.sessionId);
    try {
      await this.store.sessions.touch([...ids], nowSeconds());
    } catch (error) {
      this.log.error({ err: error }, 'recording device activity failed');
    }
  }
}
