import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsumerRunner, type Consumer } from '../../src/consumers/runner.js';
import type { ChangeRecord } from '../../src/store/types.js';
import type { Store } from '../../src/store/store.js';
import { createLogger } from '../../src/log.js';

const RUNNER_GATHER_MS = 20;
const CONSUMER_GATHER_MS = 250;

/** A change log in memory, and a cursor table that always grants the lease: what a runner alone on a store sees. */
function storeOf(log: ChangeRecord[]) {
  const store = {
    consumers: {
      claim: async () => 0,
      advance: async () => true,
      release: async () => undefined,
    },
    log: {
      recordsAfter: async (after: number, limit: number) => log.filter((change) => change.seq > after).slice(0, limit),
    },
    aside: async <T>(work: (queries: never) => Promise<T>) => work(undefined as never),
  };
  return store as unknown as Store;
}

const change = (seq: number): ChangeRecord => ({ seq, prev: seq - 1, kind: 'message', conversationId: 1, subjectId: seq });

describe('a consumer runner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a consumer that gathers longer once for the changes of its gathering time, not after the runner’s default', async () => {
    const log: ChangeRecord[] = [];
    const batches: number[][] = [];
    const consumer: Consumer = {
      name: 'slow-to-gather',
      batch: 100,
      gatherMs: CONSUMER_GATHER_MS,
      async within(changes) {
        batches.push(changes.map((c) => c.seq));
      },
    };
    const runner = new ConsumerRunner(storeOf(log), consumer, {
      holder: 'here',
      alone: true,
      leaseMs: 10_000,
      pollMs: 60_000,
      gatherMs: RUNNER_GATHER_MS,
      head: () => log.length,
      log: createLogger('silent'),
    });
    runner.start();
    await vi.advanceTimersByTimeAsync(0);

    for (let seq = 1; seq <= 3; seq++) {
      log.push(change(seq));
      runner.wake();
      await vi.advanceTimersByTimeAsync(RUNNER_GATHER_MS * 2);
    }
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(CONSUMER_GATHER_MS);
    expect(batches).toEqual([[1, 2, 3]]);
    await runner.stop();
  });
});
