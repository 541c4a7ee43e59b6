import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsumerRunner, type Consumer } from '../../src/consumers/runner.js';
import type { ChangeRecord } from '../../src/store/types.js';
import type { Store } from '../../src/store/store.js';
import { createLogger } from '../../src/log.js';

const RUNNER_GATHER_MS = 20;
const CONSUMER_GATHER_MS = 250;

/** A change log in memory, and a cursor table that always grants the lease: what a runner alone on a store sees. */
function storeOf(log: ChangeRecord[], calls = { claims: 0, reads: 0 }) {
  const store = {
    consumers: {
      claim: async () => {
        calls.claims++;
        return 0;
      },
      advance: async () => true,
      release: async () => undefined,
    },
    log: {
      recordsAfter: async (after: number, limit: number) => {
        calls.reads++;
        return log.filter((change) => change.seq > after).slice(0, limit);
      },
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

  it('alone on its database, keeps its lease unrenewed and reads the log only when a change was published', async () => {
    const quiet = async (alone: boolean) => {
      const log: ChangeRecord[] = [];
      const calls = { claims: 0, reads: 0 };
      const batches: number[][] = [];
      const runner = new ConsumerRunner(
        storeOf(log, calls),
        { name: 'indexer', batch: 100, within: async (changes) => void batches.push(changes.map((c) => c.seq)) },
        { holder: 'here', alone, leaseMs: 3_000, pollMs: 1_000, gatherMs: RUNNER_GATHER_MS, head: () => log.length, log: createLogger('silent') },
      );
      runner.start();
      // Thirty polls with nothing new, then one change.
      await vi.advanceTimersByTimeAsync(30_000);
      const whileQuiet = { ...calls };
      log.push(change(1));
      runner.wake();
      await vi.advanceTimersByTimeAsync(RUNNER_GATHER_MS);
      await runner.stop();
      return { whileQuiet, batches };
    };
    const alone = await quiet(true);
    expect(alone.whileQuiet).toEqual({ claims: 1, reads: 0 });
    expect(alone.batches).toEqual([[1]]);
    // Sharing the database, it renews its lease and looks for others' changes at every poll.
    const shared = await quiet(false);
    expect(shared.whileQuiet.claims).toBeGreaterThanOrEqual(10);
    expect(shared.whileQuiet.reads).toBeGreaterThanOrEqual(30);
    expect(shared.batches).toEqual([[1]]);
  });
});
