import type { SearchTerms } from '@hearth/protocol';
import type { Statement } from './statement.js';
import type { SearchFilter } from './types.js';

/**
 * The statements whose SQL differs between dialects, each with the values and columns the store's scripts give and
 * read. Everything else is written once beside the script that runs it. A new dialect is one more of these.
 */
export interface DialectSql {
  /**
   * In one round trip, `$1` seqs for new changes, drawn in order while the transaction holds the change log's lock, as
   * [null, seq]; and the tip of each conversation's stream in the list `$2`, as [conversationId, seq].
   */
  drawSeqs: Statement;
  /** Bulk: (seq, kind, conversation_id, user_id, subject_id, prev_seq, created_at). */
  insertChanges: Statement;
  /**
   * Bulk: (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions, attachments), skipping a row whose
   * (user_id, client_id) is stored: [id, userId, clientId] for each row stored.
   */
  insertMessages: Statement;
  /** `$1` the time, `$2` the list of session ids. */
  touchSessions: Statement;
  /**
   * The push subscriptions of the users in the list `$2` who are members of conversation `$1`:
   * [userId, endpoint, p256dh, auth, notify].
   */
  pushTargets: Statement;
  /**
   * Each of user `$1`'s conversations with their settings and what is unread up to message `$2` (at most
   * UNREAD_COUNT_MAX): [conversationId, lastReadId, notify, unread, mentions].
   */
  memberStatesOf: Statement;
  /** What is unread in conversation `$1` for user `$2` after message `$3` (at most UNREAD_COUNT_MAX): [unread, mentions]. */
  unreadAfter: Statement;
  /** Messages matching a search, newest first, in MESSAGE_COLUMNS; its values come from `searchValues`. */
  search: Statement;
  searchValues(terms: SearchTerms, filter: SearchFilter): unknown[];
  /** Writes into the search index the messages in the list `$1` that are not deleted, over what it held for them. */
  indexMessages: Statement;
  /** Removes from the search index the messages in the list `$1`. */
  unindexMessages: Statement;
  /**
   * Where the search index keeps segments apart until asked to merge them (SQLite's FTS5): `step` merges about `$1`
   * pages' worth, and `writes` counts the rows written so far on this connection, which a step that did some work
   * raises by two or more.
   */
  mergeIndex?: { step: Statement; writes: Statement };
}
