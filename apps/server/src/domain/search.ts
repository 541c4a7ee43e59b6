import { ErrorCode, SEARCH_PAGE_DEFAULT, searchTerms, type ClientPayload, type ServerPayload, type User } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';

/** Full-text search over the messages a user may read. */
export class Search {
  /** The seq of the newest message change published: the index is behind while its cursor is short of it. */
  head: () => number = () => 0;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  /**
   * One page of matches, newest first; `has_more` when older ones remain. The index is asked only about the
   * conversations the searcher may read, so what it reads (and how long that takes) depends on those alone.
   */
  async find(actor: User, input: ClientPayload<'search'>): Promise<Result<ServerPayload<'search_results'>>> {
    const terms = searchTerms(input.query);
    if (terms.words.length === 0) return refuse(ErrorCode.InvalidQuery, 'Type a word to search for');
    // Outsiders learn nothing: a conversation one is not in looks exactly like one that does not exist.
    if (input.conversation_id !== undefined && !this.directory.isMember(actor.id, input.conversation_id)) {
      return refuse(ErrorCode.ConversationNotFound, 'No such conversation');
    }
    const conversationIds = input.conversation_id === undefined ? [...this.directory.conversationIdsOf(actor.id)] : [input.conversation_id];
    const limit = input.limit ?? SEARCH_PAGE_DEFAULT;
    const [messages, indexed] = await Promise.all([
      conversationIds.length === 0
        ? []
        : this.store.search.messages(terms, { conversationIds, senderId: input.user_id, before: input.before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 }),
      this.store.consumers.cursor('search'),
    ]);
    const has_more = messages.length > limit;
    if (has_more) messages.pop();
    const behind = this.head() - indexed;
    return ok(behind > 0 ? { query: input.query, messages, has_more, index_behind: behind } : { query: input.query, messages, has_more });
  }
}
