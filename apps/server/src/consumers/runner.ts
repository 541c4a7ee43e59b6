import type { Logger } from '../log.js';
import type { Queries } from '../store/database.js';
import type { LoggedChange, Store } from '../store/store.js';
import type { RecentChanges, SentChange } from './recent.js';

/**
 * Work that follows changes, done beside the send path from the change log after commit. A consumer reads the log
 * in seq order from its cursor in the database, so a process that stops (or is killed) resumes where the last
 * batch it finished left off.
 */
export interface Consumer {
  readonly name: string;
  /** Changes read per batch. */
  readonly batch: number;
  /** How long after a change it runs, when not the runner's default: work that costs less in bigger batches waits longer. */
  readonly gatherMs?: number;
  /** Whether it needs each change's message (a push does); otherwise it is given what the log records, no `message`. */
  readonly messages?: boolean;
  /** Nothing any change could ask of it now (nobody to push to): its cursor moves to the head unread. */
  idle?(): boolean;
  /**
   * Whether a change asks anything of it (a message with a link, for previews), judged from its kind and its message
   * as sent. A batch of none is passed over without a transaction: its cursor is written at most once a second then,
   * as reading those again does nothing; and when this process still holds the batch as it published it, without
   * reading the log either.
   */
  relevant?(change: SentChange): boolean;
  /**
   * The work for a batch that goes in the transaction moving the cursor past it: done exactly once, whoever runs the
   * consumer and however it stops.
   */
  within?(changes: readonly LoggedChange[], queries: Queries): Promise<void>;
  /**
   * The work for a batch that reaches outside the database (a push), started once the cursor has moved past it: done
   * at most once; a crash meanwhile loses it rather than repeating it.
   */
  after?(changes: readonly LoggedChange[]): void | Promise<void>;
}

export interface RunnerOptions {
  /** This process, as the lease names its holder. */
  holder: string;
  /** No other process shares the database: a lease an earlier run of this server left is taken at once. */
  alone: boolean;
  /** How long a lease lasts unless renewed: another process takes a consumer over this long after its holder stopped. */
  leaseMs: number;
  /** How often the consumer looks for changes and renews its lease when nothing wakes it. */
  pollMs: number;
  /** How long after a change it runs, so that changes arriving together are one batch, unless the consumer says. */
  gatherMs: number;
  /** The newest change published: how far behind the consumer is. */
  head: () => number;
  /** The changes published lately. */
  recent?: RecentChanges;
  log: Logger;
  /** Hears the consumer's lag (changes behind) after each run, and each failure. */
  observe?: { lag(name: string, behind: number): void; failed(name: string): void };
}

/** The transaction moving the cursor found the lease gone: another process runs the consumer now. */
class LeaseLost extends Error {}

/** Failures wait longer each time, up to this. */
const MAX_BACKOFF_MS = 30_000;
/** How often the cursor is written while batches pass that ask nothing of the consumer. */
const PASSED_OVER_WRITE_MS = 1_000;

/**
 * Runs one consumer in this process while it holds the consumer's lease. Among processes sharing a database, one
 * holds it; the others keep asking and take over once it has not been renewed for `leaseMs`. The cursor moves only in
 * the same transaction as the batch's work and only for the lease's holder, so a batch is never done twice.
 */
export class ConsumerRunner {
  private cursor: number | null = null;
  /** When the lease was last taken or renewed. */
  private renewedAt = 0;
  /** When the cursor was last written; it may be ahead of that in memory after batches passed over. */
  private writtenAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly consumer: Consumer,
    private readonly options: RunnerOptions,
  ) {}

  get name(): string {
    return this.consumer.name;
  }

  private get gatherMs(): number {
    return this.consumer.gatherMs ?? this.options.gatherMs;
  }

  /** How many changes the consumer has yet to read, when this process runs it. */
  private get behind(): number | undefined {
    return this.cursor === null ? undefined : Math.max(0, this.options.head() - this.cursor);
  }

  start(): void {
    this.schedule(0);
  }

  /** A change was published: run soon, with whatever else arrives meanwhile. */
  wake(): void {
    if (this.cursor !== null && this.failures === 0) this.schedule(this.gatherMs);
  }

  /** Stops after the batch under way and gives up the lease, so another process need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.cursor !== null) {
      // What was passed over is written, so the next run reads from here.
      await this.advance(this.cursor, async () => undefined).catch(() => undefined);
      await this.store.consumers.release(this.name, this.options.holder).catch(() => undefined);
    }
    this.cursor = null;
  }

  /** Resolves once every change published so far has been read, or the consumer failed or is not run here. */
  async drain(): Promise<void> {
    while (!this.stopped && this.cursor !== null && this.failures === 0 && this.cursor < this.options.head()) {
      this.kick();
      await this.running;
    }
    // The cursor moves before a batch's outside work: a run under way may still be doing it.
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped || Date.now() + ms >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.dueAt = Infinity;
      this.kick();
    }, ms);
    this.timer.unref();
  }

  private kick(): void {
    // Woken while running: changes may have come after its last read, so it runs again once more have gathered.
    if (this.running !== undefined) return void (this.again = true);
    this.running = this.run().finally(() => {
      this.running = undefined;
      const again = this.again;
      this.again = false;
      this.schedule(this.failures > 0 ? Math.min(MAX_BACKOFF_MS, this.options.pollMs * 2 ** this.failures) : again ? this.gatherMs : this.options.pollMs);
    });
  }

  private async run(): Promise<void> {
    const { log, observe } = this.options;
    try {
      await this.claim();
      while (this.cursor !== null && !this.stopped) {
        // Alone on the database, every change is published here: none past the head is none to read.
        if (this.options.alone && this.cursor >= this.options.head()) break;
        if (this.consumer.idle?.() === true) {
          await this.skipToHead();
          break;
        }
        const unasked = this.unaskedHeld();
        if (unasked === 'nothing new') break;
        if (unasked !== undefined) {
          await this.passOver(unasked.through);
          if (unasked.count < this.consumer.batch) break;
          continue;
        }
        const changes = this.consumer.messages
          ? await this.store.log.changesBetween(this.cursor, Number.MAX_SAFE_INTEGER, this.consumer.batch)
          : await this.store.log.recordsAfter(this.cursor, this.consumer.batch);
        if (changes.length === 0) break;
        await this.handle(changes);
        if (changes.length < this.consumer.batch) break;
        // Another batch waits: the event loop serves everyone else first.
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.failures = 0;
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.cursor = null;
        log.info({ consumer: this.name }, 'another process runs this consumer now');
      } else {
        this.failures++;
        observe?.failed(this.name);
        log.error({ err: error, consumer: this.name, cursor: this.cursor, failures: this.failures }, 'a consumer of the change log failed; it will try again');
      }
    }
    const behind = this.behind;
    if (behind !== undefined) observe?.lag(this.name, behind);
  }

  /**
   * Takes the lease, or renews it when a third of it has gone by: a run that moves the cursor renews it too, so a
   * busy consumer writes nothing more for it. Alone on the database, the lease taken is kept: nobody else asks for it.
   */
  private async claim(): Promise<void> {
    const { holder, leaseMs, log, alone } = this.options;
    const now = Date.now();
    if (this.cursor !== null && (alone || now - this.renewedAt < leaseMs / 3)) return;
    const held = this.cursor !== null;
    this.cursor = await this.store.consumers.claim(this.name, holder, alone ? Number.MAX_SAFE_INTEGER : now, now + leaseMs, this.options.head());
    if (this.cursor !== null) this.renewedAt = now;
    if (!held && this.cursor !== null) log.info({ consumer: this.name, cursor: this.cursor, holder }, 'this process runs the consumer now');
  }

  private async skipToHead(): Promise<void> {
    const head = this.options.head();
    if (head > this.cursor!) await this.passOver(head);
  }

  /** Moves past changes that ask nothing: in memory now, in the database at most every PASSED_OVER_WRITE_MS. */
  private async passOver(through: number): Promise<void> {
    if (Date.now() - this.writtenAt >= PASSED_OVER_WRITE_MS) return this.advance(through, async () => undefined);
    this.cursor = through;
  }

  private async advance(through: number, work: (queries: Queries) => Promise<void>): Promise<void> {
    const { holder, leaseMs } = this.options;
    const now = Date.now();
    await this.store.aside(async (queries) => {
      await work(queries);
      if (!(await this.store.consumers.advance(queries, this.name, holder, through, now + leaseMs))) throw new LeaseLost();
    });
    this.cursor = through;
    this.renewedAt = now;
    this.writtenAt = now;
  }

  /**
   * The batch after the cursor as this process published it, when it holds all of it: nothing new, or where the
   * cursor can move to when none of it asks anything of the consumer. Undefined when the log must be read.
   */
  private unaskedHeld(): { through: number; count: number } | 'nothing new' | undefined {
    if (this.consumer.relevant === undefined) return undefined;
    const held = this.options.recent?.after(this.cursor!, this.consumer.batch);
    if (held === undefined) return undefined;
    if (held.length === 0) return 'nothing new';
    return this.asksNothing(held) ? { through: held.at(-1)!.seq, count: held.length } : undefined;
  }

  /** Whether a batch asks nothing of the consumer: it has no work within the log's transaction, and no change is relevant. */
  private asksNothing(changes: readonly SentChange[]): boolean {
    const { relevant, within } = this.consumer;
    return within === undefined && relevant !== undefined && !changes.some((change) => relevant(change));
  }

  private async handle(changes: readonly LoggedChange[]): Promise<void> {
    const through = changes.at(-1)!.seq;
    if (this.asksNothing(changes)) return this.passOver(through);
    await this.advance(through, async (queries) => {
      await this.consumer.within?.(changes, queries);
    });
    try {
      await this.consumer.after?.(changes);
    } catch (error) {
      // The cursor has moved on: this batch's outside work is not tried again.
      this.options.log.warn({ err: error, consumer: this.name, through }, 'a consumer could not finish a batch');
    }
  }
}
