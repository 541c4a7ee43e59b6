import { UNREAD_COUNT_MAX } from '@hearth/protocol';
import { statement, type Statement } from '../statement.js';
import type { DialectSql } from '../dialect.js';
import { MESSAGE_COLUMNS, QUOTE_JOIN } from '../rows.js';
import type { SearchFilter } from '../types.js';

const bulk = (name: string, text: string): Statement => ({ name, text, bulk: true });

/** Others' messages after a marker, not deleted, and whether each mentions the member: read from the marker on, capped. */
const unread = (conversation: string, user: string, after: string, upTo: string) => `SELECT m.mentions IS NOT NULL
      AND EXISTS (SELECT 1 FROM json_each(m.mentions) WHERE value = ${user}) AS mentioned
    FROM messages m
    WHERE m.conversation_id = ${conversation} AND m.id > ${after} AND m.id <= ${upTo} AND m.user_id <> ${user} AND m.deleted_at IS NULL AND m.event IS NULL
    LIMIT ${UNREAD_COUNT_MAX}`;

/**
 * A search's matches newest first, straight from the full-text index, each joined to its row. CROSS JOIN fixes that
 * order: left to choose, SQLite may instead walk a conversation's index (to serve ORDER BY and `id <`) and test MATCH
 * on every row — seconds in a long lobby. The searcher's conversations and the sender are words of their own columns
 * in the index (see `matchExpression`), so the index is narrowed to what the searcher may read before any row is read.
 */
export const SEARCH_SQL = `SELECT ${MESSAGE_COLUMNS}
  FROM search_words CROSS JOIN messages m ON m.id = search_words.rowid
  ${QUOTE_JOIN}
  WHERE search_words MATCH $1 AND search_words.rowid < $2 AND m.deleted_at IS NULL
  ORDER BY search_words.rowid DESC
  LIMIT $3`;

/**
 * Conversation and sender as the index holds them: words of their own (`c12`, `u7`), so that one column's id is
 * never read in another's list of rows (a conversation numbered like a sender would share its list).
 */
export const INDEXED_IDS = "'c' || conversation_id, 'u' || user_id";

/**
 * A message's words as the index holds them: its text, then the names of its files, one a line, so a file sent with
 * no caption is found by its name. The names are read from the message's own copy of its attachments, which a
 * deletion clears with the text.
 */
export const INDEXED_TEXT = `content || coalesce(char(10) || (SELECT group_concat(json_extract(value, '$.name'), char(10)) FROM json_each(attachments)), '')`;

/** A string in FTS5 query syntax: whatever it holds is text to look for, never an operator. */
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * The FTS5 query for a search: every word in the content column, the last as a prefix when asked, within the
 * conversations and from the sender asked for, as words of their columns. Nothing the user typed reaches it but
 * quoted words.
 */
export function matchExpression(terms: { words: readonly string[]; prefix?: boolean }, filter: Pick<SearchFilter, 'conversationIds' | 'senderId'>): string {
  const words = terms.words.map(quoted);
  if (terms.prefix) words[words.length - 1] += '*';
  let match = `content : (${words.join(' ')}) AND conversation_id : (${filter.conversationIds.map((id) => quoted(`c${id}`)).join(' OR ')})`;
  if (filter.senderId !== undefined) match += ` AND user_id : ${quoted(`u${filter.senderId}`)}`;
  return match;
}

/** SQLite's SQL where it differs from PostgreSQL's: lists are JSON read with json_each, and a bulk statement runs per row. */
export const SQLITE_SQL: DialectSql = {
  // The write lock is held (BEGIN IMMEDIATE), so nobody draws between; sqlite_sequence remembers seqs trimmed away.
  drawSeqs: statement(
    'changes.draw',
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
     SELECT NULL, max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0), coalesce((SELECT max(seq) FROM changes), 0)) + i FROM n
     UNION ALL
     SELECT value, (SELECT coalesce(max(seq), 0) FROM changes WHERE conversation_id = value AND user_id IS NULL) FROM json_each($2)`,
  ),
  insertChanges: bulk(
    'changes.insert',
    'INSERT INTO changes (seq, kind, conversation_id, user_id, subject_id, prev_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  ),
  insertMessages: bulk(
    'messages.insert',
    `INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions, attachments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id, user_id, client_id`,
  ),
  touchSessions: statement('sessions.touch', 'UPDATE sessions SET last_used_at = $1 WHERE id IN (SELECT value FROM json_each($2))'),
  pushTargets: statement(
    'push.targets',
    `SELECT s.user_id, s.endpoint, s.p256dh, s.auth, m.notify
     FROM push_subscriptions s JOIN conversation_members m ON m.user_id = s.user_id AND m.conversation_id = $1
     WHERE s.user_id IN (SELECT value FROM json_each($2))`,
  ),
  memberStatesOf: statement(
    'member_states.of_user',
    `SELECT cm.conversation_id, cm.last_read_id, cm.notify,
       (SELECT count(*) FROM (${unread('cm.conversation_id', 'cm.user_id', 'cm.last_read_id', '$2')})),
       (SELECT coalesce(sum(mentioned), 0) FROM (${unread('cm.conversation_id', 'cm.user_id', 'cm.last_read_id', '$2')}))
     FROM conversation_members cm WHERE cm.user_id = $1 ORDER BY cm.conversation_id`,
  ),
  unreadAfter: statement('member_states.unread_after', `SELECT count(*), coalesce(sum(mentioned), 0) FROM (${unread('$1', '$2', '$3', '9007199254740991')})`),
  search: statement('search.messages', SEARCH_SQL),
  searchValues: (terms, filter) => [matchExpression(terms, filter), filter.before, filter.limit],
  indexMessages: statement(
    'search.index',
    `INSERT OR REPLACE INTO search_words (rowid, content, conversation_id, user_id)
     SELECT id, ${INDEXED_TEXT}, ${INDEXED_IDS} FROM messages WHERE id IN (SELECT value FROM json_each($1)) AND deleted_at IS NULL AND event IS NULL`,
  ),
  unindexMessages: statement('search.unindex', 'DELETE FROM search_words WHERE rowid IN (SELECT value FROM json_each($1))'),
  mergeIndex: {
    step: statement('search.merge', "INSERT INTO search_words(search_words, rank) VALUES ('merge', $1)"),
    writes: statement('search.writes', 'SELECT total_changes()'),
  },
};
