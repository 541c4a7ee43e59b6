export interface HeartbeatOptions {
  intervalMs: number;
  /** How long the server may stay silent once a frame is expected. */
  timeoutMs: number;
  ping(): void;
  onSilence(): void;
}

/**
 * Pings on an interval and reports silence when no frame at all arrives within the timeout. A dead network
 * often closes nothing, so this is how a client notices it is talking to no one.
 */
export class Heartbeat {
  private interval: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: HeartbeatOptions) {}

  /** Starts beating. The handshake is held to the same timeout: its first reply is expected at once. */
  start(): void {
    this.stop();
    this.expect();
    this.interval = setInterval(() => this.beat(), this.options.intervalMs);
  }

  /** Any frame proves the connection alive. */
  pulse(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.interval);
    this.pulse();
  }

  /** Pings now rather than at the next beat: the caller has reason to doubt the connection. */
  checkNow(): void {
    if (this.interval !== undefined) this.beat();
  }

  private beat(): void {
    this.options.ping();
    this.expect();
  }

  private expect(): void {
    this.deadline ??= setTimeout(() => this.options.onSilence(), this.options.timeoutMs);
  }
}
