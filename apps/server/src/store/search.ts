import type { Message, SearchTerms } from '@hearth/protocol';
import type { Database } from './database.js';
import { toMessage, type MessageRow } from './rows.js';
import type { SearchFilter } from './types.js';

/** Full-text search over the messages a user may read, in each dialect's own index. */
export class Search {
  constructor(private readonly db: Database) {}

  /**
   * Up to `limit` messages with an id below `before`, newest first, that hold the search terms and that the user may
   * read: those of conversations they are a member of. Only one conversation's, or one sender's, when the filter says.
   */
  async messages(userId: number, terms: SearchTerms, filter: SearchFilter): Promise<Message[]> {
    return (await this.db.rows<MessageRow>(this.db.sql.search, this.db.sql.searchValues(userId, terms, filter))).map(toMessage);
  }
}
