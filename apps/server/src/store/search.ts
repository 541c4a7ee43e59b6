import type { Message, SearchTerms } from '@hearth/protocol';
import type { Database, Queries } from './database.js';
import { toMessage, type MessageRow } from './rows.js';
import type { SearchFilter } from './types.js';

/** Pages a merge step writes at most: a few milliseconds of work. */
const MERGE_STEP_PAGES = 64;

/** Full-text search over messages, in each dialect's own index, which the search consumer keeps. */
export class Search {
  constructor(private readonly db: Database) {}

  /**
   * Up to `limit` messages with an id below `before`, newest first, that hold the search terms, in the conversations
   * the filter names (the caller decides which the searcher may read) and from its sender when it names one.
   */
  async messages(terms: SearchTerms, filter: SearchFilter): Promise<Message[]> {
    return (await this.db.slowRows<MessageRow>(this.db.sql.search, this.db.sql.searchValues(terms, filter))).map(toMessage);
  }

  /**
   * Indexes new messages, and indexes again those changed since: edited, or deleted (their words leave the index).
   * Writing a message again replaces what the index held for it. True when some of them were deleted: fewer were
   * written than asked for.
   */
  async index(queries: Queries, added: readonly number[], changed: readonly number[]): Promise<boolean> {
    const all = [...added, ...changed];
    if (all.length === 0) return false;
    if (changed.length > 0) await queries.run(this.db.sql.unindexMessages, [changed]);
    return (await queries.run(this.db.sql.indexMessages, [all])) < all.length;
  }

  /**
   * One step of merging the index's segments, where the dialect keeps them apart, in a short transaction of its own:
   * true when it did some work, so that another step may follow.
   */
  async merge(): Promise<boolean> {
    const merging = this.db.sql.mergeIndex;
    if (merging === undefined) return false;
    return this.db.aside(async (queries) => {
      const writes = async () => Number((await queries.rows<[number]>(merging.writes))[0]![0]);
      const before = await writes();
      await queries.run(merging.step, [MERGE_STEP_PAGES]);
      return (await writes()) - before >= 2;
    });
  }

  /** After deleted messages left the index: erases their words from the files where the dialect can. */
  erase(): Promise<void> {
    return this.db.erase();
  }
}
