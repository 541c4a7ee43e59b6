import type { Message, SearchTerms } from '@hearth/protocol';
import type { Db } from './open.js';
import { MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from './messages.js';
import type { SearchFilter } from '../store.js';

export interface SearchParams {
  match: string;
  before: number;
  user: number;
  limit: number;
}

/**
 * Matches newest first, straight from the full-text index, each joined to its row and kept when the user is a member
 * of its conversation. CROSS JOIN fixes that order: left to choose, SQLite may instead walk a conversation's index
 * (messages_conversation_id_idx, to serve ORDER BY and `id <`) and test MATCH on every row — seconds in a long lobby.
 * Conversation and sender are filtered inside the index (see `matchExpression`), so no row is read to reject it.
 */
export const SEARCH_SQL = `SELECT ${MESSAGE_COLUMNS}
  FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid
  ${QUOTE_JOIN}
  WHERE messages_fts MATCH @match AND messages_fts.rowid < @before
    AND EXISTS (SELECT 1 FROM conversation_members cm WHERE cm.conversation_id = m.conversation_id AND cm.user_id = @user)
  ORDER BY messages_fts.rowid DESC
  LIMIT @limit`;

/** A string in FTS5 query syntax: whatever it holds is text to look for, never an operator. */
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * The FTS5 query for a search: every word in the content column, the last as a prefix when asked, and the filters as
 * words of the conversation and sender columns. Nothing the user typed reaches it but quoted words.
 */
export function matchExpression(terms: SearchTerms, filter: Pick<SearchFilter, 'conversationId' | 'senderId'>): string {
  const words = terms.words.map(quoted);
  if (terms.prefix) words[words.length - 1] += '*';
  let match = `content : (${words.join(' ')})`;
  if (filter.conversationId !== undefined) match += ` AND conversation_id : ${quoted(String(filter.conversationId))}`;
  if (filter.senderId !== undefined) match += ` AND user_id : ${quoted(String(filter.senderId))}`;
  return match;
}

export function searchParams(userId: number, terms: SearchTerms, filter: SearchFilter): SearchParams {
  return { match: matchExpression(terms, filter), before: filter.before, user: userId, limit: filter.limit };
}

/** Full-text search over the messages a user may read. */
export class SearchRows {
  private readonly search;

  constructor(db: Db) {
    this.search = db.$client.prepare<[SearchParams], MessageRow>(SEARCH_SQL).raw(true);
  }

  find(userId: number, terms: SearchTerms, filter: SearchFilter): Message[] {
    return this.search.all(searchParams(userId, terms, filter)).map(toMessage);
  }
}
