import type { Change } from '../domain/changes.js';
import type { Logger } from '../log.js';
import { busWaiting } from '../metrics.js';

/** A change on its way to this process's sockets: its frame JSON, and the request that made it when made here. */
export interface Pending<O = unknown> {
  change: Change;
  json: string;
  origin?: O;
  /** When this process committed it (performance.now()); absent for another process's change. */
  committedAt?: number;
}

/** How long a gap may wait for the bus to bring what is missing before the log is read for it. */
export const GAP_WAIT_MS = 100;
/** How long a gap whose reading failed waits before it is read again. */
const RETRY_MS = 1_000;

/**
 * Puts the changes every process commits into one order, seq order, before they reach this process's sockets:
 * clients take a change numbered below one they have heard for a duplicate, so none may overtake another.
 *
 * Changes arrive from this process's own commits and from the bus, each process's in its own order but interleaved
 * in any way. A change is delivered once every lower seq has been. Processes append to the log one transaction at a
 * time (an advisory lock in PostgreSQL), so commit order is seq order: once seq N has arrived, every lower seq has
 * committed or never will. A gap below N that the bus does not fill in a moment (its message was lost, or its
 * process died between committing and publishing) is therefore read from the log, and what the log does not hold
 * there is a seq a rolled-back transaction took: it is skipped. A change at or below the last delivered is a
 * duplicate and is dropped.
 */
export class OrderedChanges<O = unknown> {
  /** The highest seq delivered, every lower one having been delivered or found never to exist. */
  private delivered: number;
  private readonly pending = new Map<number, Pending<O>>();
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private stopped = false;
  private readonly reachedWaiters = new Set<{ seq: number; resolve: () => void }>();

  constructor(
    start: number,
    private readonly io: {
      /** Sends a change to this process's sockets. */
      deliver(pending: Pending<O>): void;
      /** A change made here was delivered before its own commit came back (read from the log): only its reply is left. */
      answer(pending: Pending<O>): void;
      /** The changes in (after, upTo] as the log holds them now, oldest first. */
      read(after: number, upTo: number): Promise<Pending<O>[]>;
    },
    private readonly log: Logger,
    private readonly gapWaitMs = GAP_WAIT_MS,
  ) {
    this.delivered = start;
  }

  /** The highest seq delivered: `auth_ok.cursor`. */
  get cursor(): number {
    return this.delivered;
  }

  /** Whether changes wait behind a gap. */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /** A change committed here or by another process. */
  offer(pending: Pending<O>): void {
    const { seq } = pending.change;
    if (seq <= this.delivered) {
      if (pending.origin !== undefined) this.io.answer(pending);
      return;
    }
    // The same change from the log and from this process's commit: the commit's copy carries the reply.
    if (this.pending.get(seq)?.origin === undefined) this.pending.set(seq, pending);
    this.drain();
  }

  /** Resolves once every seq up to `seq` is delivered, or after `timeoutMs`; whether it was. */
  reached(seq: number, timeoutMs: number): Promise<boolean> {
    if (seq <= this.delivered) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { seq, resolve: () => finish(true) };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.reachedWaiters.delete(waiter);
        resolve(ok);
      };
      this.reachedWaiters.add(waiter);
    });
  }

  /** Delivers what is waiting now, reading gaps at once rather than giving the bus time: for shutting down. */
  async settle(): Promise<void> {
    for (let attempts = 0; attempts < 3 && (this.pending.size > 0 || this.filling !== undefined); attempts++) {
      await this.filling;
      if (this.pending.size > 0) await this.fill();
    }
  }

  /** Waits for nothing more: the process is stopping. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drain(): void {
    if (this.filling !== undefined) return;
    for (let next = this.pending.get(this.delivered + 1); next !== undefined; next = this.pending.get(this.delivered + 1)) {
      this.pending.delete(next.change.seq);
      this.send(next);
    }
    if (this.pending.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (!this.stopped) {
      this.timer ??= setTimeout(() => void this.fill(), this.gapWaitMs).unref();
    }
    busWaiting.set(this.pending.size);
    this.wake();
  }

  private send(pending: Pending<O>): void {
    this.delivered = pending.change.seq;
    try {
      this.io.deliver(pending);
    } catch (error) {
      // One change that could not be sent must not stop every later one.
      this.log.error({ err: error, seq: pending.change.seq }, 'delivering a change failed');
    }
  }

  /** Reads the gap below the lowest change waiting from the log and delivers everything up to it. */
  private fill(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.filling !== undefined) return this.filling;
    let lowest = Infinity;
    for (const seq of this.pending.keys()) lowest = Math.min(lowest, seq);
    const upTo = lowest - 1;
    if (upTo <= this.delivered) {
      this.drain();
      return Promise.resolve();
    }
    const after = this.delivered;
    const filling = this.io.read(after, upTo).then(
      (found) => {
        this.filling = undefined;
        for (const pending of found) if (pending.change.seq > this.delivered && !this.pending.has(pending.change.seq)) this.pending.set(pending.change.seq, pending);
        const inGap = [...this.pending.keys()].filter((seq) => seq <= upTo).sort((a, b) => a - b);
        this.log.debug({ after, upTo, found: found.length }, 'a gap in the changes was read from the log');
        for (const seq of inGap) {
          const pending = this.pending.get(seq)!;
          this.pending.delete(seq);
          this.send(pending);
        }
        // Whatever the log does not hold below a committed change was rolled back: it never will exist.
        this.delivered = Math.max(this.delivered, upTo);
        this.drain();
      },
      (error: unknown) => {
        this.filling = undefined;
        this.log.error({ err: error, after, upTo }, 'reading a gap in the changes failed; trying again');
        if (!this.stopped) this.timer ??= setTimeout(() => void this.fill(), RETRY_MS).unref();
      },
    );
    this.filling = filling;
    return filling;
  }

  private wake(): void {
    for (const waiter of this.reachedWaiters) if (waiter.seq <= this.delivered) waiter.resolve();
  }
}
