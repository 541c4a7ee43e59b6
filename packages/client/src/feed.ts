import {
  CATCH_UP_PAGE_MAX,
  ErrorCode,
  parseServerEvent,
  type ChangeStamp,
  type ClientPayload,
  type ParseError,
  type ServerEvent,
  type ServerPayload,
} from '@hearth/protocol';
import type { UnknownFrame } from './connection.js';
import { ChangeCursor } from './cursor.js';
import { ClientErrorCode } from './errors.js';
import type { Session } from './options.js';
import type { Settle } from './requests.js';

/** How long to wait before asking again when the server refused a page as too fast without saying for how long. */
const RATE_LIMITED_RETRY_MS = 1_000;

/**
 * A change on its way to subscribers: where it sits in the change log, and what it says. A change of a type this
 * client does not know, or one in a catch-up page that does not fit the protocol, still counts as delivered once
 * it has been skipped, so it is neither asked for again nor mistaken for a gap.
 */
interface Change extends ChangeStamp {
  readonly content:
    | { readonly kind: 'event'; readonly event: ServerEvent }
    | { readonly kind: 'unknown' }
    | { readonly kind: 'invalid'; readonly error: ParseError; readonly frame: string };
}

/** What the feed needs from the client around it. */
export interface FeedEvents {
  /** A frame for subscribers: a change delivered for the first time, or a frame that is no change. */
  deliver(event: ServerEvent): void;
  /** A frame that does not fit the protocol; it is dropped. */
  protocolError(error: ParseError, frame: string): void;
  /** Sends a `catch_up` request on the signed-in connection. */
  requestCatchUp(request: ClientPayload<'catch_up'>, settle: Settle<ServerPayload<'caught_up'>>): void;
  /** A catch-up failed in a way this connection cannot get over: drop it and sign in again. */
  restart(): void;
  /** Changes this client missed are gone from the server's log: listeners reload from this session. */
  resync(session: Session): void;
  /** The catch-up that follows a sign-in is done, held live changes included. */
  caughtUp(): void;
}

/**
 * The change feed of one client: every frame the connection brings passes here. Changes (frames with a `seq`) are
 * delivered once each, in the order learnt, whether they came live, by catch-up, or both; the catch-up after each
 * sign-in, the repair of any gap noticed in live numbers and the restart after `resync_required` are run here, a
 * page at a time. Frames that are no change are delivered as they come.
 */
export class ChangeFeed {
  private readonly cursor: ChangeCursor<Change>;
  /** The current connection's sign-in, undefined while offline: changes count only once the catch-up point is known. */
  private signedIn: { readonly session: Session; readonly cursor: number } | undefined;
  /** The catch-up that follows the current connection's sign-in is under way. */
  private signingIn = false;
  private skipped = 0;
  /** A page the server refused as too fast, asked for again once the wait it named has passed. */
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param start a cursor kept from an earlier session; without one, the server's at the first sign-in. */
  constructor(
    start: number | undefined,
    private readonly events: FeedEvents,
  ) {
    this.cursor = new ChangeCursor(start);
  }

  /** Where a later session may resume: every change up to it has been delivered (`ChangeCursor.highest`). */
  get highest(): number | undefined {
    return this.cursor.highest;
  }

  /** Frames of a type this client does not know that were skipped, each change among them once. */
  get unknownEvents(): number {
    return this.skipped;
  }

  /** A connection signed in with `session`, whose `cursor` is `serverCursor`: catches up from where this client stopped. */
  signIn(session: Session, serverCursor: number): void {
    this.signedIn = { session, cursor: serverCursor };
    this.signingIn = true;
    // While this catch-up runs, live changes are held, and replayed after its last page.
    this.catchUpAfter(this.cursor.signIn(serverCursor));
  }

  /** The connection is gone; its catch-up, if any, failed with it and the next sign-in starts another. */
  offline(): void {
    this.signedIn = undefined;
    this.signingIn = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** A frame that fits the protocol: a change if it carries a `seq`, else delivered as it comes. */
  received(event: ServerEvent): void {
    const stamp = stampOf(event);
    if (stamp === undefined) {
      // A `message` reply without numbers answers a retried send with the message stored the first time. It has
      // settled the send; the message itself is a change that reached subscribers through the feed (live, or by
      // the catch-up that follows a reconnect and precedes any retry), so it is not delivered twice.
      if (event.type === 'message' && event.id !== undefined) return;
      return this.events.deliver(event);
    }
    if ('broken' in stamp) return this.events.protocolError(unstamped(stamp.broken), JSON.stringify(event));
    this.arrived({ ...stamp, content: { kind: 'event', event } });
  }

  /** A frame of a type this client does not know: skipped and counted, once, if it is a change. */
  receivedUnknown(frame: UnknownFrame): void {
    const stamp = stampOf(frame);
    if (stamp === undefined || 'broken' in stamp) this.skipped += 1;
    else this.arrived({ ...stamp, content: { kind: 'unknown' } });
  }

  /** A live change: delivered if new, held while catching up; one that reveals a gap starts a catch-up. */
  private arrived(change: Change): void {
    if (this.signedIn === undefined) return;
    const verdict = this.cursor.live(change);
    if (verdict === 'new') this.deliver(change);
    else if (verdict === 'gap') this.catchUpAfter(this.cursor.base);
  }

  /** Asks for the changes after a cursor, a page at a time; each page is delivered the moment it arrives. */
  private catchUpAfter(after: number): void {
    this.events.requestCatchUp({ after, limit: CATCH_UP_PAGE_MAX }, {
      resolve: (page) => this.caughtUp(page),
      reject: (error) => {
        if (error.code === ErrorCode.ResyncRequired) return this.resync(after);
        // Pages are paid for by their size: a long catch-up may outrun the allowance, and waits rather than reconnects.
        if (error.code === ErrorCode.RateLimited) return this.catchUpLater(after, error.retry_after_ms);
        // After a drop the next connection starts over by itself; after any other failure, start over now.
        if (error.code !== ClientErrorCode.Disconnected) this.events.restart();
      },
    });
  }

  /** Asks for the same page again on this connection once `delayMs` has passed; a new sign-in starts its own catch-up. */
  private catchUpLater(after: number, delayMs = RATE_LIMITED_RETRY_MS): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.catchUpAfter(after);
    }, delayMs);
  }

  private caughtUp(page: ServerPayload<'caught_up'>): void {
    // Page entries take the same way as live changes, less the gap rule: validated, deduplicated, delivered.
    for (const frame of page.changes) {
      const change = pageChange(frame);
      if (this.cursor.admit(change)) this.deliver(change);
    }
    if (page.has_more) return this.catchUpAfter(page.cursor);
    for (const change of this.cursor.endCatchUp(page.cursor)) this.arrived(change);
    if (!this.signingIn) return;
    this.signingIn = false;
    this.events.caughtUp();
  }

  /**
   * `resync_required`: the changes after `after` are gone from the server's log. Start over from this
   * connection's `auth_ok`: listeners reload, then the catch-up goes on after its cursor.
   */
  private resync(after: number): void {
    const signedIn = this.signedIn;
    // That cursor is refused too (the connection is older than the log the server keeps): a new sign-in brings a
    // newer auth_ok, and the catch-up after this one is refused again and lands here with it.
    if (signedIn === undefined || signedIn.cursor === after) return this.events.restart();
    this.cursor.resync(signedIn.cursor);
    this.events.resync(signedIn.session);
    this.catchUpAfter(signedIn.cursor);
  }

  private deliver({ content }: Change): void {
    if (content.kind === 'event') this.events.deliver(content.event);
    else if (content.kind === 'unknown') this.skipped += 1;
    else this.events.protocolError(content.error, content.frame);
  }
}

/**
 * The change numbers a frame carries: undefined when it is no change (no numeric `seq`); `broken`, the pointer to
 * the culprit, when it claims to be one but its `seq`, `prev` or `stream` is missing or unsound.
 */
function stampOf(frame: object): ChangeStamp | { broken: string } | undefined {
  // Any frame may carry fields it does not declare, so these are read from every frame and checked here.
  const { seq, prev, stream } = frame as { seq?: unknown; prev?: unknown; stream?: unknown };
  if (typeof seq !== 'number') return undefined;
  if (!isSeq(seq)) return { broken: '/seq' };
  if (!isSeq(prev)) return { broken: '/prev' };
  if (typeof stream !== 'string') return { broken: '/stream' };
  return { seq, prev, stream };
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function unstamped(path: string): ParseError {
  return { code: ErrorCode.InvalidPayload, message: `${path}: a change must carry seq, prev and stream`, path };
}

/** A `caught_up` entry, checked as if it had arrived on its own, as the frame it would have been live. */
function pageChange(frame: ServerPayload<'caught_up'>['changes'][number]): Change {
  const { seq, prev, stream } = frame;
  const text = JSON.stringify(frame);
  const parsed = parseServerEvent(text);
  if (parsed.ok) return { seq, prev, stream, content: { kind: 'event', event: parsed.event } };
  if (parsed.error.code === ErrorCode.UnknownType) return { seq, prev, stream, content: { kind: 'unknown' } };
  return { seq, prev, stream, content: { kind: 'invalid', error: parsed.error, frame: text } };
}
