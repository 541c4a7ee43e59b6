import { CATCH_UP_PAGE_DEFAULT, HISTORY_PAGE_DEFAULT, SEARCH_PAGE_DEFAULT, type ClientEvent } from '@hearth/protocol';

/** Rows of a page that cost one token: reading, describing and serialising a page grows with its rows. */
const ROWS_PER_TOKEN = 50;

/**
 * What a request costs, in tokens, before it is run: one, or for a catch-up, history or search page one per
 * ROWS_PER_TOKEN rows it may return. It is paid before the work is done, so a burst of large pages is refused at the
 * door instead of being read and then charged for. A catch-up cannot return more changes than there are after its
 * cursor, so one from near the head (a reconnect) costs one token whatever limit it asks for.
 */
export function costOf(event: ClientEvent, head: number): number {
  switch (event.type) {
    case 'catch_up':
      return tokensFor(Math.min(event.payload.limit ?? CATCH_UP_PAGE_DEFAULT, head - event.payload.after));
    case 'load_history':
      return tokensFor(event.payload.limit ?? HISTORY_PAGE_DEFAULT);
    case 'search':
      return tokensFor(event.payload.limit ?? SEARCH_PAGE_DEFAULT);
    default:
      return 1;
  }
}

const tokensFor = (rows: number): number => Math.max(1, Math.ceil(rows / ROWS_PER_TOKEN));
