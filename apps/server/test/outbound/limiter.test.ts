import { describe, expect, it } from 'vitest';
import { OutboundError } from '../../src/outbound/errors.js';
import { Limiter } from '../../src/outbound/limiter.js';

/** A job that runs until the test lets it finish. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { job: () => done, finish };
}

describe('the outbound limiter', () => {
  it('runs at most its concurrency at once, queues a bounded number more, and drops and counts the rest', async () => {
    const limiter = new Limiter(2, 1);
    const jobs = [held(), held(), held()];
    const running = jobs.map((j) => limiter.run(j.job));
    expect(limiter.load).toEqual({ running: 2, waiting: 1 });
    await expect(limiter.run(() => Promise.resolve())).rejects.toSatisfy((e) => e instanceof OutboundError && e.code === 'queue_full');
    expect(limiter.dropped).toBe(1);
    jobs[0]!.finish();
    await running[0];
    await expect.poll(() => limiter.load).toEqual({ running: 2, waiting: 0 });
    jobs[1]!.finish();
    jobs[2]!.finish();
    await Promise.all(running);
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot of a job that fails', async () => {
    const limiter = new Limiter(1, 0);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
