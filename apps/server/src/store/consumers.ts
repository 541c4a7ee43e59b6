import type { Database, Queries } from './database.js';
import { statement } from './statement.js';

const CREATE = statement('consumers.create', 'INSERT INTO consumers (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING');
// Taken when free, expired, or already ours; renewed by the same statement.
const CLAIM = statement(
  'consumers.claim',
  `UPDATE consumers SET holder = $2, lease_until = $3
   WHERE name = $1 AND (holder IS NULL OR holder = $2 OR lease_until < $4) RETURNING seq`,
);
const ADVANCE = statement('consumers.advance', 'UPDATE consumers SET seq = $3, lease_until = $4 WHERE name = $1 AND holder = $2 AND seq <= $3');
const RELEASE = statement('consumers.release', 'UPDATE consumers SET holder = NULL, lease_until = 0 WHERE name = $1 AND holder = $2');
const CURSOR = statement('consumers.cursor', 'SELECT seq FROM consumers WHERE name = $1');

/**
 * Where each consumer of the change log stands, and which process runs it. A process holds a consumer by a lease it
 * renews; a cursor moves only for its holder, so a process that lost its lease (paused past it while another took
 * over) cannot move it, and its transaction, which moves the cursor with the work, fails whole.
 */
export class Consumers {
  constructor(private readonly db: Database) {}

  /**
   * Takes or renews the lease on a consumer until `until` (ms), creating it at `startAt` if new: its cursor, or null
   * while another process holds it.
   */
  async claim(name: string, holder: string, now: number, until: number, startAt: number): Promise<number | null> {
    await this.db.run(CREATE, [name, startAt]);
    const [row] = await this.db.rows<[number]>(CLAIM, [name, holder, until, now]);
    return row === undefined ? null : Number(row[0]);
  }

  /** Moves the holder's cursor to `seq` and renews its lease; false when the lease is no longer this holder's. */
  async advance(queries: Queries, name: string, holder: string, seq: number, until: number): Promise<boolean> {
    return (await queries.run(ADVANCE, [name, holder, seq, until])) === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.run(RELEASE, [name, holder]);
  }

  /** The consumer's cursor, 0 before it has one. */
  async cursor(name: string): Promise<number> {
    return Number((await this.db.rows<[number]>(CURSOR, [name]))[0]?.[0] ?? 0);
  }
}
