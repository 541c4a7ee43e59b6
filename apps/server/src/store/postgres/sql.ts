import { UNREAD_COUNT_MAX, type SearchTerms } from '@hearth/protocol';
import { statement } from '../statement.js';
import type { DialectSql } from '../dialect.js';
import { MESSAGE_COLUMNS, QUOTE_JOIN } from '../rows.js';

/**
 * What is unread for member `cm`: others' messages after the marker, not deleted, up to `upTo`, and those that
 * mention them. Walks the conversation's index from the marker and stops at the cap, so a long-unread lobby costs a
 * bounded read.
 */
const counted = (upTo: string) => `(SELECT count(*) AS unread, coalesce(sum(mentioned), 0) AS mentions FROM (
    SELECT (m.mentions IS NOT NULL AND m.mentions::jsonb @> jsonb_build_array(cm.user_id))::integer AS mentioned
    FROM messages m
    WHERE m.conversation_id = cm.conversation_id AND m.id > cm.last_read_id AND m.id <= ${upTo}
      AND m.user_id <> cm.user_id AND m.deleted_at IS NULL AND m.event IS NULL
    LIMIT ${UNREAD_COUNT_MAX}) AS unread_messages) AS counted`;

/**
 * The tsquery for a search: every word, the last also as the start of longer words when asked. Each word is quoted,
 * so nothing the user typed is read as an operator; to_tsquery lower-cases it and strips its accents as the index
 * did the text.
 */
export function tsquery(terms: SearchTerms): string {
  const words = terms.words.map((word) => `'${word.replace(/['\\]/g, '\\$&')}'`);
  if (terms.prefix) words[words.length - 1] += ':*';
  return words.join(' & ');
}

/**
 * A message's words as `message_words` holds them: its text, then the names of its files, one a line, so a file sent
 * with no caption is found by its name. The names are read from the message's own copy of its attachments, which a
 * deletion clears with the text.
 */
export const MESSAGE_WORDS = `hearth_search_vector(content || coalesce(chr(10) || (SELECT string_agg(a ->> 'name', chr(10)) FROM json_array_elements(attachments::json) AS a), ''))`;

/** PostgreSQL's SQL where it differs from SQLite's: lists are arrays, and a bulk statement stores its rows in one. */
export const POSTGRES_SQL: DialectSql = {
  // One statement per stream kind for the tips elsewhere: an `IS NOT DISTINCT FROM` would be served by no index.
  drawSeqs: statement(
    'changes.draw',
    `SELECT NULL::integer, nextval(pg_get_serial_sequence('changes', 'seq')) FROM generate_series(1, $1::integer)
     UNION ALL
     SELECT c, (SELECT coalesce(max(seq), 0) FROM changes WHERE conversation_id = c AND user_id IS NULL) FROM unnest($2::integer[]) AS v(c)`,
  ),
  insertChanges: statement(
    'changes.insert',
    `INSERT INTO changes (seq, kind, conversation_id, user_id, subject_id, prev_seq, created_at)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[], $7::bigint[])`,
  ),
  // Numbered in the batch's order.
  insertMessages: statement(
    'messages.insert',
    `INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, reply_to_id, mentions, attachments)
     SELECT c, u, t, k, at, r, m, a
     FROM unnest($1::integer[], $2::integer[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[]) WITH ORDINALITY AS v(c, u, t, k, at, r, m, a, n)
     ORDER BY n
     ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id, user_id, client_id`,
  ),
  touchSessions: statement('sessions.touch', 'UPDATE sessions SET last_used_at = $1 WHERE id = ANY($2::integer[])'),
  pushTargets: statement(
    'push.targets',
    `SELECT s.user_id, s.endpoint, s.p256dh, s.auth, m.notify
     FROM push_subscriptions s JOIN conversation_members m ON m.user_id = s.user_id AND m.conversation_id = $1
     WHERE s.user_id = ANY($2::integer[])`,
  ),
  // All of a user's conversations in one round trip.
  memberStatesOf: statement(
    'member_states.of_user',
    `SELECT cm.conversation_id, cm.last_read_id, cm.notify, counted.unread, counted.mentions
     FROM conversation_members cm CROSS JOIN LATERAL ${counted('$2')}
     WHERE cm.user_id = $1 ORDER BY cm.conversation_id`,
  ),
  unreadAfter: statement(
    'member_states.unread_after',
    `SELECT counted.unread, counted.mentions
     FROM (SELECT $1::integer AS conversation_id, $2::integer AS user_id, $3::bigint AS last_read_id) AS cm
     CROSS JOIN LATERAL ${counted('9007199254740991')}`,
  ),
  /**
   * Matches through the GIN index over `message_words` (drizzle-pg/0003_consumers.sql), in the searcher's
   * conversations, newest first. The sender is null when not asked for.
   */
  search: statement(
    'search.messages',
    `SELECT ${MESSAGE_COLUMNS}
     FROM message_words w JOIN messages m ON m.id = w.message_id ${QUOTE_JOIN}
     WHERE w.words @@ to_tsquery('hearth_search', $1) AND w.message_id < $2
       AND w.conversation_id = ANY($3::integer[])
       AND ($4::integer IS NULL OR w.user_id = $4)
       AND m.deleted_at IS NULL
     ORDER BY w.message_id DESC
     LIMIT $5`,
  ),
  searchValues: (terms, filter) => [tsquery(terms), filter.before, filter.conversationIds, filter.senderId ?? null, filter.limit],
  indexMessages: statement(
    'search.index',
    `INSERT INTO message_words (message_id, conversation_id, user_id, words)
     SELECT id, conversation_id, user_id, ${MESSAGE_WORDS} FROM messages WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL AND event IS NULL
     ON CONFLICT (message_id) DO UPDATE SET words = excluded.words`,
  ),
  unindexMessages: statement('search.unindex', 'DELETE FROM message_words WHERE message_id = ANY($1::bigint[])'),
};
