import {
  CATCH_UP_PAGE_DEFAULT,
  CATCH_UP_PAGE_MAX_BYTES,
  ErrorCode,
  type ClientPayload,
  type ServerPayload,
  type User,
} from '@hearth/protocol';
import type { LoggedChange, Store } from '../store/store.js';
import { describeLogged } from './logged.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

export interface Retention {
  /** Changes older than this many days may be trimmed. */
  maxAgeDays: number;
  /** At most this many changes are kept. */
  maxRows: number;
}

/** Rows read first for a catch-up page; later reads are sized by the bytes per change seen so far. */
const FIRST_READ = 64;

/**
 * The `message_updated` changes of a page that a later one of the same message follows: every change tells the
 * message as it is now, so only the last says anything.
 */
function supersededUpdates(rows: readonly LoggedChange[]): Set<number> {
  const last = new Map<number, number>();
  const superseded = new Set<number>();
  for (const row of rows) {
    if (row.kind !== 'message_updated') continue;
    const before = last.get(row.subjectId);
    if (before !== undefined) superseded.add(before);
    last.set(row.subjectId, row.seq);
  }
  return superseded;
}

/** The change log as users read it: catch-up pages of what each may see, and trimming of what nobody needs. */
export class Feed {
  /**
   * The newest seq this process has published. With several processes sharing the log, changes others committed
   * reach this one by the bus, and the log's head as this process knows it lags them; everything up to what it
   * published is committed, so a catch-up may read that far.
   */
  published: () => number = () => 0;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly maxPageBytes = CATCH_UP_PAGE_MAX_BYTES,
  ) {}

  /**
   * The changes after a cursor that the actor may see, oldest first: at most `limit`, and no more once the page
   * passes its byte budget in UTF-8 (a page always holds at least one change, so a client always gets further).
   * `cursor` is the last change read for this page, so a change whose subject is gone is passed over, not lost.
   */
  async catchUp(actor: User, input: ClientPayload<'catch_up'>): Promise<Result<ServerPayload<'caught_up'>>> {
    const bounds = await this.store.log.bounds();
    const horizon = bounds.horizon;
    const head = Math.max(bounds.head, this.published());
    if (input.after < horizon || input.after > head) {
      return refuse(ErrorCode.ResyncRequired, 'This cursor is older than the changes the server keeps; reload and continue from auth_ok.cursor');
    }
    const limit = input.limit ?? CATCH_UP_PAGE_DEFAULT;
    const changes: ServerPayload<'caught_up'>['changes'] = [];
    let bytes = 0;
    let cursor = input.after;
    let read = 0;
    // Rows are read a batch at a time, sized by what the page has left: large messages fill the byte budget in a few
    // dozen rows, and reading the whole count of them would cost the server for nothing.
    for (let want = Math.min(limit + 1, FIRST_READ); ; ) {
      const rows = await this.store.log.changesFor(actor.id, cursor, head, want);
      const superseded = supersededUpdates(rows);
      for (const row of rows) {
        if (read === limit || (changes.length > 0 && bytes >= this.maxPageBytes)) return ok({ changes, has_more: true, cursor });
        read += 1;
        cursor = row.seq;
        if (superseded.has(row.seq)) continue;
        const change = describeLogged(row, this.directory);
        if (change === undefined) continue;
        bytes += Buffer.byteLength(JSON.stringify(change));
        changes.push(change);
      }
      // Nothing more up to the head: the next catch-up starts there, not at the last change this user could see.
      if (rows.length < want) return ok({ changes, has_more: false, cursor: head });
      const perChange = changes.length === 0 ? 0 : bytes / changes.length;
      const fits = perChange === 0 ? Infinity : Math.ceil((this.maxPageBytes - bytes) / perChange);
      // One row past what the page can take, to tell whether more remain.
      want = Math.max(1, Math.min(limit - read, fits) + 1);
    }
  }

  /** Deletes changes older than the retention allows; a client whose cursor they passed is asked to resync. */
  trim(retention: Retention): Promise<number> {
    const createdBefore = nowSeconds() - Math.round(retention.maxAgeDays * 86_400);
    return this.store.log.trim(createdBefore, retention.maxRows);
  }
}
