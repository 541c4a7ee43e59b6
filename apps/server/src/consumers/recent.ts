import type { Change } from '../domain/changes.js';
import type { LoggedChange } from '../store/store.js';

/** A change as it was sent: enough to tell whether it asks anything of a consumer. */
export type SentChange = Pick<LoggedChange, 'seq' | 'kind' | 'message'>;

/** Changes held: at 10,000 a second, a fifth of a second, several times the time a consumer waits to gather a batch. */
const HELD = 2_048;

/**
 * The changes this process published lately, in seq order. A consumer that most changes ask nothing of (previews,
 * pictures, deleted files) looks here first, and passes over a batch without reading the log when none asks
 * anything. Every change reaches this process's sockets in seq order, its own as it commits and, in a cluster,
 * the others' once every lower seq has (bus/ordered-changes.ts); one that never will is `missed`.
 */
export class RecentChanges {
  private readonly ring: SentChange[] = [];
  private added = 0;
  /** Every change published after this seq is held, or was until it fell out of the ring. */
  private heldAfter: number;

  constructor(publishedSoFar: number) {
    this.heldAfter = publishedSoFar;
  }

  add(change: Change): void {
    const newest = this.added === 0 ? undefined : this.ring[(this.added - 1) % HELD];
    if (newest !== undefined && change.seq <= newest.seq) return;
    const slot = this.added % HELD;
    const dropped = this.ring[slot];
    if (dropped !== undefined) this.heldAfter = dropped.seq;
    const message = change.type === 'message' ? change.payload : change.type === 'message_updated' ? change.payload.message : undefined;
    this.ring[slot] = message === undefined ? { seq: change.seq, kind: change.type } : { seq: change.seq, kind: change.type, message };
    this.added++;
  }

  /** A change this process will not publish (read from the log, it could no longer be told): a cursor before it reads the log. */
  missed(seq: number): void {
    this.heldAfter = Math.max(this.heldAfter, seq);
  }

  /** The changes after `cursor`, oldest first and at most `limit`; undefined when some of them are no longer held. */
  after(cursor: number, limit: number): SentChange[] | undefined {
    if (cursor < this.heldAfter) return undefined;
    const oldest = Math.max(0, this.added - HELD);
    // The first held change after the cursor, by halving: seqs rise along the ring.
    let low = oldest;
    let high = this.added;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ring[middle % HELD]!.seq <= cursor) low = middle + 1;
      else high = middle;
    }
    const found: SentChange[] = [];
    for (let i = low; i < this.added && found.length < limit; i++) found.push(this.ring[i % HELD]!);
    return found;
  }
}
