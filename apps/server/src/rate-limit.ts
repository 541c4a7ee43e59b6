/** A token bucket: `rate` tokens a second, holding at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /**
   * Takes `count` tokens if there are that many; otherwise takes none and returns how many milliseconds until there
   * will be. A cost above the burst waits for a full bucket, so every request can be paid for in the end.
   */
  take(count = 1, now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    const cost = Math.min(count, this.burst);
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - this.tokens) / this.rate) * 1000) };
  }

  /** Takes tokens for work already done, going into debt if need be: later requests wait until it is paid off. */
  charge(tokens: number, now = Date.now()): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate) - tokens;
    this.updatedAt = now;
  }

  /** True once the bucket has refilled, so a keyed limiter can forget it. */
  isFull(now = Date.now()): boolean {
    return this.tokens + ((now - this.updatedAt) / 1000) * this.rate >= this.burst;
  }
}

/** One bucket per key (a client address, a user id), forgetting full buckets so the map cannot grow without bound. */
export class KeyedLimiter<K = string> {
  private readonly buckets = new Map<K, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  private bucket(key: K): TokenBucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, (bucket = new TokenBucket(this.rate, this.burst)));
    return bucket;
  }

  /** Takes up to `count` tokens one at a time, stopping at the first refused: how many were taken, and the wait for the next. */
  takeUpTo(key: K, count: number): Taken {
    const bucket = this.bucket(key);
    for (let granted = 0; granted < count; granted++) {
      const verdict = bucket.take();
      if (!verdict.ok) return { granted, retryAfterMs: verdict.retryAfterMs };
    }
    return { granted: count, retryAfterMs: 0 };
  }

  /** Takes `count` tokens at once, or none: `granted` is `count` or 0, and the wait until all of them are there. */
  takeAll(key: K, count: number): Taken {
    const verdict = this.bucket(key).take(count);
    return verdict.ok ? { granted: count, retryAfterMs: 0 } : { granted: 0, retryAfterMs: verdict.retryAfterMs };
  }

  prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}

/** Tokens taken in order: the first `granted` requests may go ahead; the next may try again after `retryAfterMs`. */
export interface Taken {
  granted: number;
  retryAfterMs: number;
}

/** What a limit's buckets are kept by: a user id, or a client address. */
export type LimitKey = number | string;

/**
 * A bucket per key: this process's own (a `KeyedLimiter`), or, with several processes behind one address, buckets
 * they share (bus/redis-bus.ts), which answer asynchronously.
 */
export interface Limit<K extends LimitKey> {
  takeUpTo(key: K, count: number): Taken | Promise<Taken>;
  /** The price of one request: all `count` tokens, or none. */
  takeAll(key: K, count: number): Taken | Promise<Taken>;
  prune(): void;
}

export type UserLimit = Limit<number>;

/** Makes one of the user limits; `name` tells shared buckets apart. */
export type MakeLimit = (name: string, ratePerSecond: number, burst: number) => UserLimit;

const localLimit: MakeLimit = (_name, rate, burst) => new KeyedLimiter<number>(rate, burst);

/**
 * Limits that follow a user across all their connections (tabs, devices, bots): a user with twelve connections may
 * not send or invite twelve times as fast as one.
 */
export class UserLimits {
  readonly sends: UserLimit;
  readonly invites: UserLimit;
  /** A search reads far more than any other request: one user's many connections must not add up to a flood of them. */
  readonly searches: UserLimit;
  /**
   * Catch-up, history and search pages, priced by the rows they may return (ws/cost.ts): a user's connections
   * together may not read the database faster than one may.
   */
  readonly reads: UserLimit;
  /**
   * Every other request that writes (read markers, notify levels, new conversations, admins' acts, signing out): each
   * is a transaction, most a change in the log, and none may be repeated without bound by one user.
   */
  readonly writes: UserLimit;
  /** Each push subscription is a database write and, later, an outbound request per message: rare for a person. */
  readonly pushSubscribes: UserLimit;
  /** Each upload writes up to a file's limit to disk or S3: a burst for a handful of photos, then a steady pace. */
  readonly uploads: UserLimit;

  constructor(
    config: {
      sendsPerSecondPerUser: number;
      sendBurstPerUser: number;
      writesPerSecondPerUser: number;
      writeBurstPerUser: number;
      invitesPerMinutePerUser: number;
      inviteBurstPerUser: number;
      searchesPerSecondPerUser: number;
      searchBurstPerUser: number;
      readsPerSecondPerUser: number;
      readBurstPerUser: number;
      pushSubscribesPerMinutePerUser: number;
      pushSubscribeBurstPerUser: number;
      uploadsPerMinutePerUser: number;
      uploadBurstPerUser: number;
    },
    /** Several processes share each user's buckets, so a user's connections spread over them add up as on one. */
    make: MakeLimit = localLimit,
  ) {
    this.sends = make('sends', config.sendsPerSecondPerUser, config.sendBurstPerUser);
    this.writes = make('writes', config.writesPerSecondPerUser, config.writeBurstPerUser);
    this.invites = make('invites', config.invitesPerMinutePerUser / 60, config.inviteBurstPerUser);
    this.searches = make('searches', config.searchesPerSecondPerUser, config.searchBurstPerUser);
    this.reads = make('reads', config.readsPerSecondPerUser, config.readBurstPerUser);
    this.pushSubscribes = make('push_subscribes', config.pushSubscribesPerMinutePerUser / 60, config.pushSubscribeBurstPerUser);
    this.uploads = make('uploads', config.uploadsPerMinutePerUser / 60, config.uploadBurstPerUser);
  }

  prune(): void {
    this.sends.prune();
    this.writes.prune();
    this.invites.prune();
    this.searches.prune();
    this.reads.prune();
    this.pushSubscribes.prune();
    this.uploads.prune();
  }
}
