import type { Logger } from '../log.js';

/** Endpoints remembered at most; past that, those logged longest ago are forgotten first. */
const REMEMBERED = 10_000;

/**
 * Logs a failing push endpoint once per interval, not once per message: a dead endpoint in a busy conversation
 * would otherwise write a line for every message, and a crowd of them would flood the log.
 */
export class FailureLog {
  private readonly last = new Map<string, { at: number; unlogged: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  warn(endpoint: string, fields: Record<string, unknown>, message: string, now = Date.now()): void {
    const seen = this.last.get(endpoint);
    if (seen !== undefined && now - seen.at < this.intervalMs) {
      seen.unlogged++;
      return;
    }
    this.last.delete(endpoint);
    if (this.last.size >= REMEMBERED) this.last.delete(this.last.keys().next().value!);
    this.last.set(endpoint, { at: now, unlogged: 0 });
    this.log.warn({ ...fields, origin: originOf(endpoint), unlogged: seen?.unlogged ?? 0 }, message);
  }
}

/** The push service's origin: enough to tell services apart without logging the device's endpoint, a secret of sorts. */
function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'invalid';
  }
}
