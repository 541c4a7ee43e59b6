import { describe, expect, it } from 'vitest';
import type { ChangeStamp } from '@hearth/protocol';
import { ChangeCursor } from '../src/cursor.js';

/** A change in stream `c<conversation>` (or `all`), numbered `seq`, following `prev` in its stream. */
const change = (seq: number, prev: number, stream = 'c1'): ChangeStamp => ({ seq, prev, stream });

/** A cursor signed in and caught up to `at`, as after a sign-in whose catch-up found nothing. */
function caughtUpTo(at: number, start?: number): ChangeCursor {
  const cursor = new ChangeCursor(start);
  cursor.signIn(at);
  cursor.endCatchUp(at);
  return cursor;
}

/** Passes live changes through the cursor and returns the seq of each it says to deliver. */
function deliveredLive(cursor: ChangeCursor, changes: ChangeStamp[]): number[] {
  return changes.filter((c) => cursor.live(c) === 'new').map((c) => c.seq);
}

/** Passes page changes through the cursor and returns the seq of each it says to deliver. */
function deliveredFromPage(cursor: ChangeCursor, changes: ChangeStamp[]): number[] {
  return changes.filter((c) => cursor.admit(c)).map((c) => c.seq);
}

describe('signing in', () => {
  it('catches a fresh client up from the server cursor', () => {
    const cursor = new ChangeCursor();

    expect(cursor.highest).toBeUndefined();
    expect(cursor.signIn(40)).toBe(40);
    expect(cursor.base).toBe(40);
    expect(cursor.catchingUp).toBe(true);
  });

  it('catches a client given a cursor up from that cursor, not the server one', () => {
    const cursor = new ChangeCursor(12);

    expect(cursor.highest).toBe(12);
    expect(cursor.signIn(40)).toBe(12);
  });

  it('catches up again from the highest change delivered after a reconnect', () => {
    const cursor = caughtUpTo(40, 12);
    deliveredLive(cursor, [change(41, 0, 'c1'), change(43, 0, 'c2')]);

    expect(cursor.signIn(50)).toBe(43);
    expect(cursor.base).toBe(43);
  });

  it('moves the cursor to the end of the catch-up even when it delivered nothing newer', () => {
    const cursor = new ChangeCursor(12);
    cursor.signIn(40);

    cursor.endCatchUp(40);

    expect(cursor.highest).toBe(40);
    expect(cursor.base).toBe(40);
    expect(cursor.catchingUp).toBe(false);
  });
});

describe('live changes', () => {
  it('are delivered in turn and move the cursor to the highest', () => {
    const cursor = caughtUpTo(10);

    expect(deliveredLive(cursor, [change(11, 0, 'c1'), change(12, 11, 'c1'), change(13, 0, 'all')])).toEqual([11, 12, 13]);
    expect(cursor.highest).toBe(13);
  });

  it('are dropped when they were delivered already', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(11, 5, 'c1'), change(12, 11, 'c1')]);

    expect(cursor.live(change(12, 11, 'c1'))).toBe('duplicate');
    expect(cursor.live(change(11, 5, 'c1'))).toBe('duplicate');
    expect(cursor.live(change(9, 3, 'c2'))).toBe('duplicate');
    expect(cursor.highest).toBe(12);
  });

  it('whose previous change is older than the catch-up point are no gap', () => {
    const cursor = caughtUpTo(10);

    expect(cursor.live(change(11, 4, 'c7'))).toBe('new');
  });
});

describe('a catch-up page', () => {
  it('delivers each change once, however the pages overlap', () => {
    const cursor = new ChangeCursor(10);
    cursor.signIn(20);

    expect(deliveredFromPage(cursor, [change(11, 3, 'c1'), change(12, 0, 'c2'), change(14, 11, 'c1')])).toEqual([11, 12, 14]);
    expect(deliveredFromPage(cursor, [change(12, 0, 'c2'), change(14, 11, 'c1'), change(15, 12, 'c2')])).toEqual([15]);
    expect(cursor.highest).toBe(15);
  });

  it('drops what is at or below the catch-up point', () => {
    const cursor = new ChangeCursor(10);
    cursor.signIn(20);

    expect(deliveredFromPage(cursor, [change(9, 0, 'c1'), change(10, 9, 'c1'), change(11, 10, 'c1')])).toEqual([11]);
  });
});

describe('live changes while catching up', () => {
  it('are held, not delivered, and handed back in order after the last page', () => {
    const cursor = new ChangeCursor(10);
    cursor.signIn(20);

    expect(cursor.live(change(21, 11, 'c1'))).toBe('held');
    expect(cursor.live(change(22, 0, 'c2'))).toBe('held');
    expect(deliveredFromPage(cursor, [change(11, 0, 'c1')])).toEqual([11]);
    const held = cursor.endCatchUp(20);

    expect(held).toEqual([change(21, 11, 'c1'), change(22, 0, 'c2')]);
    expect(deliveredLive(cursor, held)).toEqual([21, 22]);
    expect(cursor.highest).toBe(22);
  });

  it('that a page delivered too are delivered once, by the page', () => {
    const cursor = new ChangeCursor(10);
    cursor.signIn(20);
    cursor.live(change(21, 11, 'c1'));
    cursor.live(change(22, 21, 'c1'));

    expect(deliveredFromPage(cursor, [change(11, 0, 'c1'), change(21, 11, 'c1')])).toEqual([11, 21]);
    expect(deliveredLive(cursor, cursor.endCatchUp(21))).toEqual([22]);
  });

  it('from a previous connection are dropped at sign-in, to come again in the new catch-up', () => {
    const cursor = new ChangeCursor(10);
    cursor.signIn(20);
    cursor.live(change(21, 0, 'c1'));

    cursor.signIn(25);

    expect(cursor.endCatchUp(25)).toEqual([]);
  });
});

describe('a gap in live numbers', () => {
  it('is noticed when a change follows one in its stream that never came', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(11, 0, 'c1')]);

    expect(cursor.live(change(13, 12, 'c1'))).toBe('gap');
    expect(cursor.catchingUp).toBe(true);
    expect(cursor.base).toBe(10);
  });

  it('is repaired by a catch-up from the catch-up point that delivers exactly what is missing, nothing twice', () => {
    const cursor = caughtUpTo(10);
    const live = [change(11, 0, 'c1'), change(13, 0, 'c2'), change(14, 12, 'c1'), change(15, 13, 'c2')];
    const delivered = deliveredLive(cursor, live.slice(0, 2));
    expect(cursor.live(live[2]!)).toBe('gap');
    // Live traffic goes on while the repair runs.
    expect(cursor.live(live[3]!)).toBe('held');

    // The repair asks from `base` and gets everything after it, 12 included.
    delivered.push(...deliveredFromPage(cursor, [change(11, 0, 'c1'), change(12, 11, 'c1')]));
    delivered.push(...deliveredFromPage(cursor, [change(13, 0, 'c2'), change(14, 12, 'c1')]));
    delivered.push(...deliveredLive(cursor, cursor.endCatchUp(14)));

    expect(delivered).toEqual([11, 13, 12, 14, 15]);
    expect(cursor.highest).toBe(15);
    expect(cursor.base).toBe(14);
    expect(cursor.catchingUp).toBe(false);
  });

  it('noticed again while replaying held changes starts another catch-up and holds the rest', () => {
    const cursor = new ChangeCursor(10);
    cursor.signIn(10);
    const held = [change(11, 0, 'c1'), change(13, 12, 'c1'), change(14, 0, 'c2')];
    for (const c of held) cursor.live(c);

    const verdicts = cursor.endCatchUp(10).map((c) => cursor.live(c));

    expect(verdicts).toEqual(['new', 'gap', 'held']);
    expect(cursor.base).toBe(10);
    expect(deliveredFromPage(cursor, [change(11, 0, 'c1'), change(12, 11, 'c1'), change(13, 12, 'c1')])).toEqual([12, 13]);
    expect(deliveredLive(cursor, cursor.endCatchUp(13))).toEqual([14]);
  });
});

describe('a gap repair cut short by a drop', () => {
  it('goes on at the next sign-in from the catch-up point, delivering the missing change exactly once', () => {
    const cursor = caughtUpTo(10);
    const delivered = deliveredLive(cursor, [change(11, 0, 'c1'), change(13, 0, 'c2')]);
    expect(cursor.live(change(14, 12, 'c1'))).toBe('gap');
    // The repair's first page comes, then the connection drops before the next one.
    delivered.push(...deliveredFromPage(cursor, [change(11, 0, 'c1')]));

    expect(cursor.signIn(16)).toBe(10);
    delivered.push(...deliveredFromPage(cursor, [change(11, 0, 'c1'), change(12, 11, 'c1'), change(13, 0, 'c2')]));
    delivered.push(...deliveredFromPage(cursor, [change(14, 12, 'c1'), change(15, 13, 'c2'), change(16, 14, 'c1')]));
    delivered.push(...deliveredLive(cursor, cursor.endCatchUp(16)));

    expect(delivered).toEqual([11, 13, 12, 14, 15, 16]);
    expect(cursor.highest).toBe(16);
  });

  it('however often it drops before the missing change comes', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(11, 0, 'c1'), change(13, 0, 'c2')]);
    cursor.live(change(14, 12, 'c1'));

    expect(cursor.signIn(14)).toBe(10);
    expect(cursor.signIn(14)).toBe(10);

    expect(deliveredFromPage(cursor, [change(11, 0, 'c1'), change(12, 11, 'c1'), change(13, 0, 'c2'), change(14, 12, 'c1')])).toEqual([12, 14]);
  });

  it('ends with the catch-up that follows the sign-in: the sign-in after that starts from the highest change again', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(13, 0, 'c2')]);
    cursor.live(change(14, 12, 'c1'));
    cursor.signIn(14);
    deliveredFromPage(cursor, [change(12, 0, 'c1'), change(13, 0, 'c2'), change(14, 12, 'c1')]);
    cursor.endCatchUp(14);

    expect(cursor.signIn(14)).toBe(14);
    expect(deliveredFromPage(cursor, [change(14, 12, 'c1')])).toEqual([]);
  });
});

describe('highest during a gap repair', () => {
  it('is the catch-up point below the gap until the repair ends, even across a sign-in', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(11, 0, 'c1'), change(13, 0, 'c2')]);
    expect(cursor.highest).toBe(13);

    cursor.live(change(14, 12, 'c1'));
    expect(cursor.highest).toBe(10);
    deliveredFromPage(cursor, [change(11, 0, 'c1'), change(12, 11, 'c1')]);
    expect(cursor.highest).toBe(10);
    cursor.signIn(14);
    expect(cursor.highest).toBe(10);

    deliveredFromPage(cursor, [change(13, 0, 'c2'), change(14, 12, 'c1')]);
    expect(deliveredLive(cursor, cursor.endCatchUp(14))).toEqual([]);
    expect(cursor.highest).toBe(14);
  });

  it('is the highest change delivered again once a resync gives the repair up', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(11, 0, 'c1')]);
    cursor.live(change(14, 12, 'c1'));

    cursor.resync(20);
    expect(cursor.highest).toBe(20);
    expect(deliveredFromPage(cursor, [change(21, 14, 'c1')])).toEqual([21]);
    expect(cursor.highest).toBe(21);
    expect(cursor.signIn(25)).toBe(21);
  });
});

describe('a resync', () => {
  it('starts over from the server cursor, forgetting what was delivered, and keeps held changes', () => {
    const cursor = new ChangeCursor(3);
    cursor.signIn(50);
    cursor.live(change(51, 49, 'c1'));

    cursor.resync(50);

    expect(cursor.highest).toBe(50);
    expect(cursor.base).toBe(50);
    expect(cursor.catchingUp).toBe(true);
    expect(deliveredFromPage(cursor, [change(49, 0, 'c1'), change(51, 49, 'c1')])).toEqual([51]);
    expect(deliveredLive(cursor, cursor.endCatchUp(51))).toEqual([]);
    expect(cursor.highest).toBe(51);
  });

  it('during the repair of a gap takes the tips back to the server cursor', () => {
    const cursor = caughtUpTo(10);
    deliveredLive(cursor, [change(30, 0, 'c1')]);
    cursor.live(change(32, 31, 'c1'));

    cursor.resync(40);

    expect(deliveredFromPage(cursor, [change(40, 32, 'c1'), change(41, 40, 'c1')])).toEqual([41]);
    expect(deliveredLive(cursor, cursor.endCatchUp(41))).toEqual([]);
  });
});
