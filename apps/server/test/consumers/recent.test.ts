import type { Message } from '@hearth/protocol';
import { describe, expect, it } from 'vitest';
import { RecentChanges } from '../../src/consumers/recent.js';
import { stamped } from '../../src/domain/changes.js';

const message = (id: number): Message => ({ id, conversation_id: 1, user_id: 1, content: `m${id}`, client_id: `c${id}`, created_at: 1 });
const sent = (seq: number) => stamped({ seq, prev: 0, kind: 'message', conversationId: 1, subjectId: seq }, 'message', message(seq));

describe('recent changes', () => {
  it('gives the changes after a cursor in order, each with its message as sent, and nothing new at the head', () => {
    const recent = new RecentChanges(10);
    for (const seq of [11, 12, 14, 15]) recent.add(sent(seq));
    recent.add(stamped({ seq: 16, prev: 15, kind: 'message_updated', conversationId: 1, subjectId: 11 }, 'message_updated', { message: message(11) }));
    expect(recent.after(12, 10)!.map((change) => change.seq)).toEqual([14, 15, 16]);
    expect(recent.after(10, 2)!.map((change) => change.seq)).toEqual([11, 12]);
    expect(recent.after(15, 10)![0]).toMatchObject({ kind: 'message_updated', message: { id: 11 } });
    expect(recent.after(16, 10)).toEqual([]);
  });

  it('asks for the log for a cursor older than what it holds, from its start and once changes fall out of it', () => {
    const recent = new RecentChanges(100);
    expect(recent.after(99, 10)).toBeUndefined();
    for (let seq = 101; seq <= 5_000; seq++) recent.add(sent(seq));
    // It holds the newest 2,048: whatever is before them must be read from the log.
    expect(recent.after(100, 10)).toBeUndefined();
    expect(recent.after(2_951, 10)).toBeUndefined();
    expect(recent.after(2_952, 3)!.map((change) => change.seq)).toEqual([2_953, 2_954, 2_955]);
    expect(recent.after(4_998, 10)!.map((change) => change.seq)).toEqual([4_999, 5_000]);
  });

  it('keeps a change that comes again or out of order out, so seqs only rise', () => {
    const recent = new RecentChanges(0);
    for (const seq of [1, 2, 2, 1, 3]) recent.add(sent(seq));
    expect(recent.after(0, 10)!.map((change) => change.seq)).toEqual([1, 2, 3]);
  });

  it('asks for the log for a cursor before a change it will not hold, and serves the cursors after it', () => {
    const recent = new RecentChanges(0);
    for (const seq of [1, 2, 4]) recent.add(sent(seq));
    recent.missed(3);
    recent.add(sent(5));
    expect(recent.after(1, 10)).toBeUndefined();
    expect(recent.after(2, 10)).toBeUndefined();
    expect(recent.after(3, 10)!.map((change) => change.seq)).toEqual([4, 5]);
  });
});
