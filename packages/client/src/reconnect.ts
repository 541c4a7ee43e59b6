export interface BackoffOptions {
  /** The ceiling of the first delay. */
  minDelayMs: number;
  /** The ceiling never grows past this. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: each delay is random between 0 and a ceiling that doubles per failed
 * attempt. Spreading the delays keeps every client from reconnecting in the same instant after a restart.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  next(): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.minDelayMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.random() * ceiling;
  }

  reset(): void {
    this.attempt = 0;
  }
}
