import { describe, expect, it, vi } from 'vitest';
import type { Change } from '../../src/domain/changes.js';
import { OrderedChanges, type Pending } from '../../src/bus/ordered-changes.js';
import { createLogger } from '../../src/log.js';
import type { Origin } from '../../src/ws/publisher.js';
import { settle } from '../support/harness.js';

/** Waits for the log to fill a gap: its timer fires after GAP_WAIT_MS, later on a busy machine. */
const filled = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

const GAP_WAIT_MS = 30;

/** A change numbered `seq`, as any process would publish it. */
function pending(seq: number, origin?: Origin): Pending<Origin> {
  const change = { type: 'user_updated', payload: { user: { id: 1, nickname: `n${seq}` } }, seq, prev: 0, stream: 'all' } as Change;
  return { change, json: JSON.stringify(change), origin };
}

/** An ordering over a fake log holding `logged`, recording what it delivers, answers and reads. */
function ordering(logged: number[], start = 0) {
  const delivered: number[] = [];
  const answered: number[] = [];
  const reads: Array<[number, number]> = [];
  let failNextRead = false;
  const order = new OrderedChanges(
    start,
    {
      deliver: (p) => delivered.push(p.change.seq),
      answer: (p) => answered.push(p.change.seq),
      read: async (after, upTo) => {
        reads.push([after, upTo]);
        if (failNextRead) {
          failNextRead = false;
          throw new Error('database unavailable');
        }
        return logged.filter((seq) => seq > after && seq <= upTo).map((seq) => pending(seq));
      },
    },
    createLogger('silent'),
    GAP_WAIT_MS,
  );
  return { order, delivered, answered, reads, failRead: () => (failNextRead = true) };
}

describe('changes from several processes put in seq order', () => {
  it('delivers changes arriving in order at once, without reading the log', () => {
    const { order, delivered, reads } = ordering([]);
    for (const seq of [1, 2, 3]) order.offer(pending(seq));
    expect(delivered).toEqual([1, 2, 3]);
    expect(order.cursor).toBe(3);
    expect(reads).toEqual([]);
  });

  it('holds a change back until the lower ones the bus brings late have been delivered', async () => {
    const { order, delivered, reads } = ordering([]);
    order.offer(pending(1));
    order.offer(pending(3));
    order.offer(pending(4));
    expect(delivered).toEqual([1]);
    order.offer(pending(2));
    expect(delivered).toEqual([1, 2, 3, 4]);
    await settle(GAP_WAIT_MS * 2);
    expect(reads).toEqual([]);
  });

  it('drops a change it has already delivered', () => {
    const { order, delivered } = ordering([]);
    for (const seq of [1, 2, 2, 1, 3]) order.offer(pending(seq));
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('fills a gap the bus never fills from the log, then delivers what waited behind it', async () => {
    const { order, delivered, reads } = ordering([5, 6, 7], 4);
    order.offer(pending(8));
    order.offer(pending(9));
    expect(delivered).toEqual([]);
    await filled(() => expect(delivered).toEqual([5, 6, 7, 8, 9]));
    expect(reads).toEqual([[4, 7]]);
    expect(order.cursor).toBe(9);
  });

  it('skips a seq the log does not hold below a committed change: a rolled-back transaction took it', async () => {
    const { order, delivered } = ordering([1, 3]);
    order.offer(pending(1));
    order.offer(pending(4));
    await filled(() => expect(delivered).toEqual([1, 3, 4]));
    // A late copy of what the log filled in is a duplicate.
    order.offer(pending(3));
    order.offer(pending(5));
    expect(delivered).toEqual([1, 3, 4, 5]);
  });

  it('still answers the request that made a change the log delivered before its own commit came back', async () => {
    const { order, delivered, answered } = ordering([1, 2]);
    order.offer(pending(3));
    await filled(() => expect(delivered).toEqual([1, 2, 3]));
    order.offer(pending(2, {} as Origin));
    expect(answered).toEqual([2]);
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('reads the gap again when reading it failed', async () => {
    const { order, delivered, reads, failRead } = ordering([1]);
    failRead();
    order.offer(pending(2));
    await settle(GAP_WAIT_MS * 2);
    expect(delivered).toEqual([]);
    await filled(() => expect(delivered).toEqual([1, 2]));
    expect(reads).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('tells a catch-up waiting for a cursor ahead of it once that cursor is delivered, or that it was not', async () => {
    const { order } = ordering([]);
    const reached = order.reached(2, 1_000);
    const notReached = order.reached(5, 50);
    order.offer(pending(1));
    order.offer(pending(2));
    expect(await reached).toBe(true);
    expect(await notReached).toBe(false);
  });

  it('delivers what waits at once when settled for shutting down', async () => {
    const { order, delivered } = ordering([1], 0);
    order.offer(pending(2));
    await order.settle();
    expect(delivered).toEqual([1, 2]);
  });
});
