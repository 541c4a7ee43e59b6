import type { Message, SearchTerms } from '@hearth/protocol';
import { MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from '../sqlite/messages.js';
import type { SearchFilter } from '../store.js';
import { rows, type Conn } from './open.js';

/**
 * Matches through the GIN index over `hearth_search_vector(content)` (drizzle-pg/0001_search.sql: the query must
 * name that expression to use it), newest first, each kept when the user is a member of its conversation.
 * The filters are null when not asked for.
 */
const SEARCH = {
  name: 'search.messages',
  text: `SELECT ${MESSAGE_COLUMNS}
    FROM messages m ${QUOTE_JOIN}
    WHERE hearth_search_vector(m.content) @@ to_tsquery('hearth_search', $1) AND m.id < $2
      AND ($3::integer IS NULL OR m.conversation_id = $3)
      AND ($4::integer IS NULL OR m.user_id = $4)
      AND EXISTS (SELECT 1 FROM conversation_members cm WHERE cm.conversation_id = m.conversation_id AND cm.user_id = $5)
    ORDER BY m.id DESC
    LIMIT $6`,
};

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

/** Full-text search over the messages a user may read. */
export async function searchMessages(on: Conn, userId: number, terms: SearchTerms, filter: SearchFilter): Promise<Message[]> {
  const values = [tsquery(terms), filter.before, filter.conversationId ?? null, filter.senderId ?? null, userId, filter.limit];
  return (await rows<MessageRow>(on, SEARCH, values)).map(toMessage);
}
