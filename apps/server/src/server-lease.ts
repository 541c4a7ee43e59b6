import type { Logger } from './log.js';
import type { Store } from './store/store.js';

/**
 * How long a server's row in `servers` lasts unless renewed. It is renewed every third of that, so a server whose
 * event loop is busy for a while keeps it; after a crash the operator command waits at most this long.
 */
export const SERVER_LEASE_MS = 15_000;

/** This process's row in `servers`, held from start until a clean stop. */
export class ServerLease {
  private readonly renewing: NodeJS.Timeout;
  private released = false;

  private constructor(
    private readonly store: Store,
    private readonly holder: string,
    private readonly startedAt: number,
    log: Logger,
  ) {
    this.renewing = setInterval(() => {
      this.renew().catch((error: unknown) => log.error({ err: error }, 'renewing the server lease failed'));
    }, SERVER_LEASE_MS / 3).unref();
  }

  static async take(store: Store, holder: string, log: Logger): Promise<ServerLease> {
    const lease = new ServerLease(store, holder, Date.now(), log);
    await lease.renew();
    return lease;
  }

  /** Once: closing a server twice must not reach a store already closed. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.renewing);
    await this.store.servers.release(this.holder);
  }

  private renew(): Promise<void> {
    return this.store.servers.hold(this.holder, this.startedAt, Date.now() + SERVER_LEASE_MS);
  }
}
