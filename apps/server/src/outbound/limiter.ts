import { OutboundError } from './errors.js';

/**
 * Bounds outbound work server-wide: at most `concurrency` requests at once, `queue` more waiting, and anything past
 * that dropped and counted. A message to a crowd cannot open a connection per recipient at once and run the process
 * out of file descriptors; a flood of them cannot grow memory without bound.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Jobs dropped because the queue was full, since start. */
  dropped = 0;

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Runs `job` when a slot is free; refuses at once with `queue_full` when the queue is. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        this.dropped++;
        throw new OutboundError('queue_full', 'too many outbound requests waiting');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }

  /** Requests running now, and waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
