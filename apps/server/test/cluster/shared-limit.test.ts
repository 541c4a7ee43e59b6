import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis-bus.js';
import { createLogger } from '../../src/log.js';
import type { Limit } from '../../src/rate-limit.js';
import { clearBus, testBusUrl } from './support.js';

// Two processes' buckets of one limit in one Redis, as each server process makes them: a price is taken whole.

const busUrl = testBusUrl();
let buses: RedisBus[] = [];
let onA: Limit<number>;
let onB: Limit<number>;

beforeAll(async () => {
  buses = await Promise.all([0, 1].map(() => RedisBus.connect(busUrl, 25_000, createLogger('silent'))));
  // One token a second, ten at most: nothing worth counting refills while a test runs.
  [onA, onB] = buses.map((bus) => bus.limit<number>('reads', 1, 10)) as [Limit<number>, Limit<number>];
});

afterAll(async () => {
  for (const bus of buses) await bus.close();
  await clearBus(busUrl);
});

describe('a limit shared by two processes', () => {
  it('takes a price all or none, and names the wait until all of it is there', async () => {
    expect(await onA.takeAll(1, 6)).toEqual({ granted: 6, retryAfterMs: 0 });
    const refused = await onB.takeAll(1, 6);
    expect(refused.granted).toBe(0);
    // Four tokens are left, two short of the price: about two seconds at one a second.
    expect(refused.retryAfterMs).toBeGreaterThan(1_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect((await onB.takeAll(1, 4)).granted).toBe(4);
    expect((await onA.takeUpTo(1, 1)).granted).toBe(0);
  });

  it('takes a price above the burst from a full bucket', async () => {
    expect(await onA.takeAll(2, 25)).toEqual({ granted: 25, retryAfterMs: 0 });
    const refused = await onB.takeAll(2, 25);
    expect(refused.granted).toBe(0);
    expect(refused.retryAfterMs).toBeGreaterThan(9_000);
  });
});
