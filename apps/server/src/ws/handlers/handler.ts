import { ErrorCode, type ClientEventOf, type ClientEventType } from '@hearth/protocol';
import type { Refusal, Result } from '../../domain/result.js';
import type { UserLimit } from '../../rate-limit.js';
import type { Connection } from '../connection.js';
import type { Change } from '../../domain/changes.js';
import type { Publisher } from '../publisher.js';

/** Handles one validated request from a signed-in connection. */
export type Handler<T extends ClientEventType> = (conn: Connection, event: ClientEventOf<T>) => Promise<void> | void;

/** Handlers for some request types, each typed by its own. */
export type Handlers<T extends ClientEventType> = { [K in T]: Handler<K> };

/** Answers a refused request with its error; true when it was refused. */
export function refused<T>(conn: Connection, result: Result<T>, id: string | undefined): result is { ok: false; error: Refusal } {
  if (result.ok) return false;
  conn.fail(result.error.code, result.error.message, id);
  return true;
}

/**
 * Takes a request's cost (one token unless said) from a limit that holds across all the user's connections (on every
 * process), before any work is done; answers `rate_limited` and returns false when it cannot be paid.
 */
export function within(limit: UserLimit, conn: Connection, id: string | undefined, cost = 1): boolean | Promise<boolean> {
  const taken = limit.takeAll(conn.user!.id, cost);
  if (taken instanceof Promise) return taken.then((t) => granted(conn, id, t));
  return granted(conn, id, taken);
}

function granted(conn: Connection, id: string | undefined, taken: { granted: number; retryAfterMs: number }): boolean {
  if (taken.granted > 0) return true;
  conn.fail(ErrorCode.RateLimited, TOO_FAST, id, { retry_after_ms: taken.retryAfterMs });
  return false;
}

export const TOO_FAST = 'Too many requests from this user; slow down';

/**
 * What an act that may change nothing returns: a change, published to whoever its stream names with the requester
 * hearing it as the reply; or, when nothing changed, what is, only replied. `committedAt` is when its transaction
 * committed, when that was before now.
 */
export function publishOrReply(publisher: Publisher, conn: Connection, id: string | undefined, change: Change | undefined, reply: () => void, committedAt?: number): void {
  if (change === undefined) reply();
  else publisher.publish(change, { conn, requestId: id }, committedAt);
}
