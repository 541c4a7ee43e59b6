/** Items per run: one commit pays for many, yet a long backlog never holds the write lock for long. */
const MAX_BATCH = 500;

/**
 * Gathers work from every connection and hands it on a batch at a time, one batch after another. A commit costs far
 * more than an insert (it waits for the disk), so one commit per batch instead of one per item multiplies what the
 * server can store. A batch holds what arrived in one event-loop turn, or, while a batch is under way, everything
 * that arrived meanwhile: the slower the database answers, the more each batch carries.
 */
export class Batcher<T> {
  private queued: T[] = [];
  /** Who waits for their items: each resolves once `done` reaches the count of items up to its last. */
  private waiting: Array<{ through: number; resolve: () => void }> = [];
  private submitted = 0;
  private done = 0;
  private scheduled: NodeJS.Immediate | undefined;
  /** Batches run one after another, so what they commit is numbered, and told, in the order it came. */
  private draining: Promise<void> | undefined;

  /** `run` must settle every item of its batch itself: it is not expected to reject. */
  constructor(private readonly run: (batch: T[]) => Promise<void>) {}

  /** Queues items; resolves once the batch holding the last of them has run. */
  submit(items: readonly T[]): Promise<void> {
    this.queued.push(...items);
    this.submitted += items.length;
    if (this.draining === undefined) this.scheduled ??= setImmediate(flushBatcher, this);
    return new Promise((resolve) => this.waiting.push({ through: this.submitted, resolve }));
  }

  /** Runs everything queued, and what arrives meanwhile, in batches of at most MAX_BATCH. */
  flush(): Promise<void> {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // Queued after the last batch was taken but before this: not left waiting for the next item to come along.
      if (this.queued.length > 0) this.scheduled ??= setImmediate(flushBatcher, this);
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_BATCH);
      await this.run(batch);
      this.done += batch.length;
      while (this.waiting.length > 0 && this.waiting[0]!.through <= this.done) this.waiting.shift()!.resolve();
    }
  }
}

function flushBatcher<T>(batcher: Batcher<T>): void {
  void batcher.flush();
}
