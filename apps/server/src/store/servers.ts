import type { Database } from './database.js';
import { statement } from './statement.js';

const HOLD = statement(
  'servers.hold',
  'INSERT INTO servers (holder, started_at, lease_until) VALUES ($1, $2, $3) ON CONFLICT (holder) DO UPDATE SET lease_until = excluded.lease_until',
);
const RELEASE = statement('servers.release', 'DELETE FROM servers WHERE holder = $1');
const LIVE = statement('servers.live', 'SELECT holder FROM servers WHERE lease_until > $1');

/**
 * The server processes running on this database, each by a row it holds until its lease runs out and renews while it
 * runs: how the operator command knows a server would miss what it changes, whatever port that server listens on.
 */
export class Servers {
  constructor(private readonly db: Database) {}

  /** Takes or renews this process's row until `until` (ms). */
  async hold(holder: string, startedAt: number, until: number): Promise<void> {
    await this.db.run(HOLD, [holder, startedAt, until]);
  }

  /** Gives the row up on a clean stop, so the operator need not wait for the lease to run out. */
  async release(holder: string): Promise<void> {
    await this.db.run(RELEASE, [holder]);
  }

  /** The processes whose lease has not run out at `now` (ms). */
  async live(now: number): Promise<string[]> {
    return (await this.db.rows<[string]>(LIVE, [now])).map(([holder]) => holder);
  }
}
