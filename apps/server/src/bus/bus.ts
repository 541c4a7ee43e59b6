import { randomBytes } from 'node:crypto';
import { CloseCode } from '@hearth/protocol';
import { KeyedLimiter, type Limit, type LimitKey } from '../rate-limit.js';

/**
 * What one server process tells the others besides its changes. Each is a small act on sockets another process
 * holds: nothing here is stored, and a signal lost with a dying process loses nothing a client cannot recover.
 */
export type Signal =
  /** Someone is typing: members connected elsewhere hear it too. */
  | { type: 'typing'; conversation_id: number; user_id: number }
  /** Sessions signed out, or an account deactivated: their connections close wherever they are. */
  | { type: 'close'; user_id: number; session_ids?: number[]; code: number; reason: string }
  /** Something kept in memory changed in the database: the invite policy, or one user's push subscriptions. */
  | { type: 'reload'; what: 'invite_policy' }
  | { type: 'reload'; what: 'push_subscriptions'; user_id: number };

export type CloseSignal = Extract<Signal, { type: 'close' }>;

/** What closes a deactivated account's connections, sent by the server whose admin did it or by the operator's command. */
export function accountDeactivated(userId: number): CloseSignal {
  return { type: 'close', user_id: userId, code: CloseCode.AccountDeactivated, reason: 'account deactivated' };
}

/** What the bus hands over from the other processes. */
export interface BusListener {
  /** A change another process committed, as its frame JSON (with its seq). */
  change(json: string): void;
  signal(signal: Signal): void;
  /** Whether this user has a connection on some other process may have changed. */
  presence(userId: number): void;
}

/** Users with a connection open on some other process. */
export interface Elsewhere {
  has(userId: number): boolean;
  /** Every such user, for the online list a process starts with. */
  users(): Iterable<number>;
}

/**
 * How server processes behind one address keep each other informed: changes, signals, who is connected where, and
 * limits that hold per user or per client address whichever process a request landed on. With one process nothing
 * needs to travel, and `LocalBus` does nothing; `RedisBus` (bus/redis-bus.ts) carries it all between several.
 */
export interface Bus {
  /** False for one process alone: changes then go out as they commit, with no ordering between processes to keep. */
  readonly shared: boolean;
  /** This process, among those on the bus. */
  readonly id: string;
  /** Whether the others can be reached and heard now: always, for one process alone. */
  readonly connected: boolean;
  readonly elsewhere: Elsewhere;
  /** Starts hearing the others. */
  listen(listener: BusListener): Promise<void>;
  /** Tells the others of a change this process committed. */
  publishChange(json: string): void;
  signal(signal: Signal): void;
  /**
   * Whether a user who has `here` connections on this process may open one more, under `max` on every process
   * together. When admitted, the connection counts until `released`.
   */
  admit(userId: number, max: number, here: number): boolean | Promise<boolean>;
  released(userId: number): void;
  /** A limit per user id or per client address that holds across every process; `name` tells limits apart. */
  limit<K extends LimitKey>(name: string, ratePerSecond: number, burst: number): Limit<K>;
  close(): Promise<void>;
}

const nobody: Elsewhere = { has: () => false, users: () => [] };

/** One process alone: nothing to tell anyone, and every count is this process's own. */
export class LocalBus implements Bus {
  readonly shared = false;
  readonly id = randomBytes(6).toString('hex');
  readonly connected = true;
  readonly elsewhere = nobody;

  async listen(): Promise<void> {}

  publishChange(): void {}

  signal(): void {}

  admit(_userId: number, max: number, here: number): boolean {
    return here < max;
  }

  released(): void {}

  limit<K extends LimitKey>(_name: string, ratePerSecond: number, burst: number): Limit<K> {
    return new KeyedLimiter<K>(ratePerSecond, burst);
  }

  async close(): Promise<void> {}
}
