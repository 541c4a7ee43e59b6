import type { ChangeStamp } from '@hearth/protocol';

/**
 * What to do with a change that arrived live:
 * - `new`: deliver it (it is already recorded as delivered);
 * - `duplicate`: drop it, it was delivered before;
 * - `held`: a catch-up is under way; it is kept and handed back by `endCatchUp`;
 * - `gap`: a change before it in its stream never came. It is held, a catch-up has begun, and the caller must
 *   ask for the changes after `base`.
 */
export type LiveVerdict = 'new' | 'duplicate' | 'held' | 'gap';

/**
 * Which changes this client has delivered, so that every change reaches subscribers exactly once whether it came
 * live, in a catch-up page, or both, and so that a change missing from the live traffic is noticed and fetched.
 * This is the "Client algorithm" of the change feed design; it does no I/O, the client does it as told.
 *
 * State:
 * - `base`: the catch-up point. Every change up to it that this client may see has been delivered.
 * - `tips`: per stream, the newest change delivered since `base`. A change at or below its stream's tip (or below
 *   `base` for a stream with no tip) has been delivered already.
 * - `highest`: the number a caller keeps to resume a later session: every change up to it has been delivered. It is
 *   the highest `seq` delivered, except while a gap is being repaired: then a change below that may still be
 *   missing, so it is `base` until the repair ends.
 * While catching up, live changes are held rather than delivered, and replayed once the last page is in.
 *
 * @typeParam C what is kept of a held change; the cursor only reads its stamp.
 */
export class ChangeCursor<C extends ChangeStamp = ChangeStamp> {
  // Set by signIn before any change can arrive.
  private catchUpPoint = 0;
  private readonly tips = new Map<string, number>();
  private top: number | undefined;
  private syncing = false;
  /** A catch-up repairing a gap has not ended: changes above `base` may be missing below ones delivered. */
  private repairing = false;
  private held: C[] = [];

  /** @param start a cursor kept from an earlier session (`highest` then); without one, the server's at sign-in. */
  constructor(start?: number) {
    this.top = start;
  }

  /**
   * The highest `seq` delivered (or the cursor this began with, before anything was delivered), or `base` while a
   * gap is being repaired; undefined until the first sign-in of a client given none.
   */
  get highest(): number | undefined {
    return this.repairing ? this.catchUpPoint : this.top;
  }

  /** The catch-up point: a catch-up, including one repairing a gap, asks for the changes after it. */
  get base(): number {
    return this.catchUpPoint;
  }

  /** A catch-up is under way: live changes are held until it ends. */
  get catchingUp(): boolean {
    return this.syncing;
  }

  /**
   * A connection signed in: begins a catch-up and returns the cursor to catch up after, which is where this client
   * stopped or, for a fresh client, `serverCursor` (`auth_ok.cursor`). Held changes belong to the previous
   * connection and are dropped: the catch-up brings anything among them that was not yet delivered.
   * A gap repair the previous connection left unfinished goes on: the catch-up is after `base` and keeps the tips,
   * as the repair's own did, because the highest change delivered may be past the one still missing.
   */
  signIn(serverCursor: number): number {
    if (!this.repairing) {
      this.catchUpPoint = this.top ?? serverCursor;
      this.tips.clear();
    }
    this.held = [];
    this.syncing = true;
    return this.catchUpPoint;
  }

  /**
   * The dedupe rule, for a change from a catch-up page: true if it is new, and then it is recorded as delivered.
   * A change is new iff its `seq` is above its stream's tip, or above `base` for a stream without one.
   */
  admit(change: C): boolean {
    if (change.seq <= this.tipOf(change.stream)) return false;
    this.tips.set(change.stream, change.seq);
    this.top = Math.max(this.top ?? change.seq, change.seq);
    return true;
  }

  /**
   * A change that arrived live. While catching up it is held. Otherwise the gap rule applies first: if the change
   * before it in its stream (`prev`) is above what was delivered of that stream, something was missed; the change
   * is held and a catch-up after `base` begins, keeping the tips, so that the dedupe rule lets through exactly
   * what is missing. Otherwise the dedupe rule decides.
   */
  live(change: C): LiveVerdict {
    if (this.syncing) {
      this.held.push(change);
      return 'held';
    }
    if (change.prev > this.tipOf(change.stream)) {
      this.held.push(change);
      this.syncing = true;
      this.repairing = true;
      return 'gap';
    }
    return this.admit(change) ? 'new' : 'duplicate';
  }

  /**
   * The last page came (`has_more` false) with this `cursor`: every change up to it that this client may see is
   * delivered, so it becomes the new `base` and the tips start over. Returns the held live changes, oldest first,
   * for the caller to pass to `live` again, in order (one of them may reveal another gap, which holds the rest).
   */
  endCatchUp(cursor: number): C[] {
    this.catchUpPoint = cursor;
    this.tips.clear();
    this.top = Math.max(this.top ?? cursor, cursor);
    this.syncing = false;
    this.repairing = false;
    const held = this.held;
    this.held = [];
    return held;
  }

  /**
   * The server no longer has the changes after `base` (`resync_required`): start over from `serverCursor`
   * (`auth_ok.cursor`), whose state the caller reloads. The catch-up goes on, after `serverCursor`; held live
   * changes stay held. A gap being repaired is given up with everything else before `serverCursor`.
   */
  resync(serverCursor: number): void {
    this.catchUpPoint = serverCursor;
    this.top = serverCursor;
    this.tips.clear();
    this.syncing = true;
    this.repairing = false;
  }

  private tipOf(stream: string): number {
    return this.tips.get(stream) ?? this.catchUpPoint;
  }
}
