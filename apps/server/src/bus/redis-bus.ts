import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { KeyedLimiter, type Limit, type LimitKey, type Taken } from '../rate-limit.js';
import { redisStartError } from '../start-error.js';
import type { Bus, BusListener, Signal } from './bus.js';
import { OtherProcesses } from './elsewhere.js';
import { ADMIT, BEAT, HASH_MISSING, LEAVE, RELEASE, TAKE } from './scripts.js';
import { Transit } from './transit.js';

/** The scripts, as ioredis defines them on the connection (EVALSHA, loading them once). */
interface Scripts {
  hearthAdmit(...args: (string | number)[]): Promise<number>;
  hearthRelease(...args: (string | number)[]): Promise<number>;
  hearthBeat(...args: (string | number)[]): Promise<[number, Array<string | string[]>]>;
  hearthLeave(...args: (string | number)[]): Promise<number>;
  hearthTake(...args: (string | number)[]): Promise<[number, number]>;
}

/** Names under which the processes of one chat meet: `?prefix=` on the URL, so several chats can share a Redis. */
const DEFAULT_PREFIX = 'hearth';

/**
 * The bus over one Redis server. Everything travels on one pub/sub channel, so what one process says reaches the
 * others in the order it said it: `changes <process> <frame JSON>\n<frame JSON>…` (a batch it committed),
 * `signal <process> <JSON>`,
 * `presence <process> <version> <user> <count>` and `gone <process>`. Pub/sub keeps nothing for a subscriber that
 * is away; what that loses is recovered elsewhere (a gap in the changes is read from the log, presence from the
 * hashes at the next heartbeat).
 *
 * Presence and the connection cap live in one hash per process, user id → connections there, with a time to live
 * of one and a half heartbeats, rewritten every half heartbeat: a process that dies takes its users offline
 * everywhere within two heartbeats, without anyone having to notice it died. A Redis that restarted empty has lost
 * every hash at once: for one time to live after it first hears a heartbeat again, a missing hash is not taken for a
 * dead process (scripts.ts, BEAT), so nobody's users flash offline while the processes write theirs again.
 */
export class RedisBus implements Bus {
  readonly shared = true;
  /** This process on the bus: new at every start, so a restarted process is never taken for its former self. */
  readonly id = randomBytes(6).toString('hex');
  readonly elsewhere = new OtherProcesses();
  private readonly channel: string;
  private readonly processes: string;
  private readonly hashPrefix: string;
  private readonly ownHash: string;
  /** When Redis first heard a heartbeat since it was last empty. */
  private readonly since: string;
  /** This process's admitted connections per user, what its hash should say. */
  private readonly counts = new Map<number, number>();
  /** Numbers each change to this process's counts, so others can tell news from stale news. */
  private version = 0;
  private listener: BusListener | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  /** Changes published in one go (a committed batch), told in one message: one wake-up for the others per batch. */
  private changes: string[] = [];
  /** When a failure was last logged, so a Redis that is down does not fill the log. */
  private lastComplaint = 0;
  private readonly transit = new Transit();

  private constructor(
    private readonly commands: Redis & Scripts,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly heartbeatMs: number,
    private readonly log: Logger,
  ) {
    this.channel = `${prefix}:bus`;
    this.processes = `${prefix}:processes`;
    this.hashPrefix = `${prefix}:process:`;
    this.ownHash = this.hashPrefix + this.id;
    this.since = `${prefix}:presence-since`;
  }

  /** Connects to Redis at `url` (redis://host:port[/db][?prefix=name]); a StartError when it cannot be reached. */
  static async connect(url: string, heartbeatMs: number, log: Logger): Promise<RedisBus> {
    const parsed = new URL(url);
    const prefix = parsed.searchParams.get('prefix') || DEFAULT_PREFIX;
    parsed.searchParams.delete('prefix');
    // While Redis is unreachable a command fails at once rather than wait for it: limits and admission then fall back
    // to this process's own counts, and a change not published is read from the log by the others.
    // Commands asked for in one event-loop turn (a limit taken for each send of a batch, a publish) go out in one write.
    const commands = new Redis(parsed.href, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true }) as Redis & Scripts;
    // The subscriber subscribes again by itself after a reconnection.
    const subscriber = new Redis(parsed.href, { lazyConnect: true });
    const connections = [commands, subscriber];
    let refusal: Error | undefined;
    for (const connection of connections) {
      connection.on('error', (error: Error) => {
        refusal ??= error;
        log.debug({ err: error }, 'redis connection error');
      });
      retryOnceConnected(connection, heartbeatMs);
    }
    const scripts = { hearthAdmit: [2, ADMIT], hearthRelease: [2, RELEASE], hearthBeat: [3, BEAT], hearthLeave: [2, LEAVE], hearthTake: [1, TAKE] } as const;
    for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) commands.defineCommand(name, { numberOfKeys, lua });
    try {
      await Promise.all(connections.map((connection) => connection.connect()));
    } catch (error) {
      // One may have connected meanwhile. (A refused one has ended; disconnecting it again would hold the process
      // for ioredis's disconnect timeout.)
      for (const connection of connections) if (connection.status !== 'end') connection.disconnect();
      // ioredis rejects with "Connection is closed."; the reason came as an error event.
      throw redisStartError(url, refusal ?? error);
    }
    return new RedisBus(commands, subscriber, prefix, heartbeatMs, log);
  }

  /** Both connections to Redis are up: commands go through, and what the others publish is heard. */
  get connected(): boolean {
    return this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  async listen(listener: BusListener): Promise<void> {
    this.listener = listener;
    this.subscriber.on('message', (_channel: string, text: string) => this.heard(text));
    await this.subscriber.subscribe(this.channel);
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatMs / 2).unref();
    // Back from a lost connection, perhaps to a Redis that restarted empty: this process's hash is written again at
    // once rather than at the next beat, well inside the time the others wait for it (scripts.ts, BEAT).
    this.commands.on('ready', () => void this.beat());
  }

  publishChange(json: string): void {
    if (this.changes.push(json) === 1) queueMicrotask(() => this.publishChanges());
  }

  signal(signal: Signal): void {
    this.publish(`signal ${this.id} ${JSON.stringify(signal)}`);
  }

  async admit(userId: number, max: number, here: number): Promise<boolean> {
    // Counted here before Redis answers: a heartbeat written meanwhile must not take the connection out again, or the
    // others would see its user go offline until the next one. Given back if refused.
    this.count(userId, 1);
    try {
      const n = await this.commands.hearthAdmit(this.processes, this.ownHash, this.id, userId, ++this.version, max, this.ttl, this.hashPrefix, here, this.channel);
      if (n === HASH_MISSING) void this.beat();
      if (n >= 0 || n === HASH_MISSING) return true;
      this.count(userId, -1);
      return false;
    } catch (error) {
      this.complain(error, 'counting connections across processes failed; counting this process alone');
      if (here < max) return true;
      this.count(userId, -1);
      return false;
    }
  }

  released(userId: number): void {
    this.count(userId, -1);
    if (this.closed) return;
    this.commands
      .hearthRelease(this.processes, this.ownHash, this.id, userId, ++this.version, this.ttl, this.channel)
      .then((n) => {
        if (n === HASH_MISSING) void this.beat();
      })
      .catch((error: unknown) => this.complain(error, 'releasing a connection across processes failed; the next heartbeat corrects it'));
  }

  limit<K extends LimitKey>(name: string, ratePerSecond: number, burst: number): Limit<K> {
    return new SharedLimit<K>(this, `${this.prefix}:limit:${name}:`, ratePerSecond, burst);
  }

  /** Takes tokens from a shared bucket, up to `want` or all or none; undefined when Redis cannot be reached. */
  async take(key: string, ratePerMs: number, burst: number, want: number, all: boolean): Promise<Taken | undefined> {
    try {
      const [granted, retryAfterMs] = await this.commands.hearthTake(key, ratePerMs, burst, want, all ? 1 : 0);
      return { granted, retryAfterMs };
    } catch (error) {
      this.complain(error, 'a limit shared across processes could not be read; counting this process alone');
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.publishChanges();
    this.closed = true;
    clearInterval(this.heartbeat);
    // Others take this process's users offline now rather than when its hash expires.
    await this.commands.hearthLeave(this.processes, this.ownHash, this.id, this.channel).catch((error: unknown) => this.complain(error, 'leaving the bus failed'));
    this.subscriber.disconnect();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  private count(userId: number, by: number): void {
    const n = (this.counts.get(userId) ?? 0) + by;
    if (n > 0) this.counts.set(userId, n);
    else this.counts.delete(userId);
  }

  /** Time to live of this process's hash: one and a half heartbeats, refreshed every half. */
  private get ttl(): number {
    return Math.ceil(this.heartbeatMs * 1.5);
  }

  /** Frame JSON holds no raw newline, so one separates the changes. */
  private publishChanges(): void {
    if (this.changes.length === 0) return;
    const batch = this.changes.join('\n');
    this.changes = [];
    const message = `changes ${this.id} ${batch}`;
    this.transit.published(message);
    this.send(message);
  }

  /** What this process says reaches the others in the order it said it: its changes so far go first. */
  private publish(message: string): void {
    this.publishChanges();
    this.send(message);
  }

  private send(message: string): void {
    if (this.closed) return;
    this.commands.publish(this.channel, message).catch((error: unknown) => this.complain(error, 'publishing on the bus failed'));
  }

  /**
   * Writes this process's counts whole, then reads everyone else's. The others learn from theirs that this process
   * lives and who is connected to it; a hash missing from a snapshot that is not whole proves nothing (scripts.ts).
   */
  private async beat(): Promise<void> {
    if (this.closed) return;
    try {
      const pairs = [...this.counts].flat();
      const askedAt = this.elsewhere.asking();
      const [whole, flat] = await this.commands.hearthBeat(this.processes, this.ownHash, this.since, this.id, this.version, this.ttl, this.hashPrefix, ...pairs);
      const live = new Map<string, { version: number; counts: Map<number, number> }>();
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        if (id === this.id) continue;
        const fields = flat[i + 1] as string[];
        const counts = new Map<number, number>();
        let version = 0;
        for (let f = 0; f < fields.length; f += 2) {
          if (fields[f] === 'v') version = Number(fields[f + 1]);
          else if (Number(fields[f + 1]) > 0) counts.set(Number(fields[f]), Number(fields[f + 1]));
        }
        live.set(id, { version, counts });
      }
      for (const userId of this.elsewhere.snapshot(live, askedAt, whole === 1)) this.listener?.presence(userId);
    } catch (error) {
      this.complain(error, 'the presence heartbeat failed');
    }
  }

  private heard(text: string): void {
    const kindEnd = text.indexOf(' ');
    const fromEnd = text.indexOf(' ', kindEnd + 1);
    const kind = text.slice(0, kindEnd);
    const from = fromEnd === -1 ? text.slice(kindEnd + 1) : text.slice(kindEnd + 1, fromEnd);
    if (from === this.id) {
      if (kind === 'changes') this.transit.heardBack(text);
      return;
    }
    if (this.listener === undefined) return;
    const body = fromEnd === -1 ? '' : text.slice(fromEnd + 1);
    try {
      switch (kind) {
        case 'changes':
          for (const json of body.split('\n')) this.listener.change(json);
          return;
        case 'signal':
          return this.listener.signal(JSON.parse(body) as Signal);
        case 'presence': {
          const [version, userId, count] = body.split(' ').map(Number) as [number, number, number];
          this.elsewhere.heard(from, version, userId, count);
          return this.listener.presence(userId);
        }
        case 'gone':
          for (const userId of this.elsewhere.gone(from)) this.listener.presence(userId);
          return;
        default:
          // From a newer server: nothing this one knows to do with it.
          return;
      }
    } catch (error) {
      this.log.error({ err: error, kind, from }, 'a message on the bus could not be handled');
    }
  }

  private complain(error: unknown, message: string): void {
    const now = Date.now();
    if (now - this.lastComplaint < 10_000) return;
    this.lastComplaint = now;
    this.log.warn({ err: error }, message);
  }
}

/**
 * Until a connection has been made once, a refusal is final, so a wrong address or a Redis that is down is told at
 * once; after, the connection is retried as ioredis does by default, for as long as it takes, but at least every
 * quarter heartbeat: a Redis that comes back hears from every live process well before a missing hash counts as a
 * dead process (scripts.ts, BEAT).
 */
function retryOnceConnected(connection: Redis, heartbeatMs: number): void {
  const retry = connection.options.retryStrategy;
  let connected = false;
  connection.once('ready', () => (connected = true));
  connection.options.retryStrategy = (times) => {
    if (!connected) return null;
    const delay = retry?.(times);
    return typeof delay === 'number' ? Math.min(delay, heartbeatMs / 4) : delay;
  };
}

/**
 * A limit whose buckets every process shares. While Redis cannot be reached each process counts alone, as one
 * process would: requests are neither refused for want of Redis nor let through unlimited.
 */
class SharedLimit<K extends LimitKey> implements Limit<K> {
  private readonly ratePerMs: number;
  private readonly own: KeyedLimiter<K>;

  constructor(
    private readonly bus: RedisBus,
    private readonly keyPrefix: string,
    ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.ratePerMs = ratePerSecond / 1000;
    this.own = new KeyedLimiter<K>(ratePerSecond, burst);
  }

  async takeUpTo(key: K, count: number): Promise<Taken> {
    const shared = await this.bus.take(this.keyPrefix + bucketName(key), this.ratePerMs, this.burst, count, false);
    return shared ?? this.own.takeUpTo(key, count);
  }

  async takeAll(key: K, count: number): Promise<Taken> {
    const shared = await this.bus.take(this.keyPrefix + bucketName(key), this.ratePerMs, this.burst, count, true);
    // Redis grants at most the burst: a price above it is paid by a full bucket.
    if (shared !== undefined) return shared.granted > 0 ? { granted: count, retryAfterMs: 0 } : shared;
    return this.own.takeAll(key, count);
  }

  /** Shared buckets expire in Redis once full again; this process's own are forgotten here. */
  prune(): void {
    this.own.prune();
  }
}

/**
 * A bucket's name under its limit's. A user id is a number. A client address may come from an X-Forwarded-For header,
 * so it is hashed: whatever it holds, the name is 43 characters of [A-Za-z0-9_-], with no ':' to reach into other
 * names and no length to fill Redis with.
 */
function bucketName(key: LimitKey): string {
  return typeof key === 'number' ? String(key) : createHash('sha256').update(key).digest('base64url');
}
