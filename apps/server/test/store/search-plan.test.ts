import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchTerms } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/sqlite/open.js';
import { SQLITE_SQL } from '../../src/store/sqlite/sql.js';
import type { SearchFilter } from '../../src/store/store.js';

/** The search as SQLite runs it, its `$1`… each once and in order, so bound by position. */
const sqliteText = SQLITE_SQL.search.text.replace(/\$\d+/g, '?');

const dir = mkdtempSync(join(tmpdir(), 'hearth-search-plan-'));
let db: Db;

/**
 * A lobby much longer than a DM, with statistics gathered: the shape in which SQLite, left to choose, prefers to walk
 * the conversation's index and test every row against the index of words.
 */
beforeAll(() => {
  db = openDatabase(join(dir, 'plan.db'));
  const client = db.$client;
  client.exec(`
    INSERT INTO users (nickname, nickname_key, created_at) VALUES ('ann', 'ann', 0), ('ben', 'ben', 0);
    INSERT INTO conversations (type, dm_key, created_at) VALUES ('lobby', NULL, 0), ('dm', '1:2', 0);
    INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (1, 1, 0), (1, 2, 0), (2, 1, 0), (2, 2, 0);`);
  const insert = client.prepare('INSERT INTO messages (conversation_id, user_id, content, client_id, created_at) VALUES (?, ?, ?, ?, 0)');
  client.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(i % 100 === 0 ? 2 : 1, 1 + (i % 2), `message ${i} about the lobby`, `c${i}`);
  })();
  // What the search consumer writes.
  client.prepare(SQLITE_SQL.indexMessages.text.replace('$1', '?')).run(JSON.stringify(Array.from({ length: 5_000 }, (_, i) => i + 1)));
  client.exec('ANALYZE');
});

afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

function plan(filter: Omit<SearchFilter, 'before' | 'limit'>, before = Number.MAX_SAFE_INTEGER): string[] {
  const params = SQLITE_SQL.searchValues(searchTerms('lobby 4321'), { ...filter, before, limit: 21 });
  return (db.$client.prepare(`EXPLAIN QUERY PLAN ${sqliteText}`).all(...params) as { detail: string }[]).map((row) => row.detail);
}

const filters: Array<Omit<SearchFilter, 'before' | 'limit'>> = [
  { conversationIds: [1, 2] },
  { conversationIds: [1] },
  { conversationIds: [1, 2], senderId: 2 },
  { conversationIds: [2], senderId: 1 },
];

describe('the search query plan', () => {
  it.each(filters)('reads matches newest first from the index of words, for the filter %j', (filter) => {
    for (const steps of [plan(filter), plan(filter, 2_500)]) {
      // The rowid range and its descending order are served by FTS5 itself ("<" in the index plan): no sort, no scan.
      expect(steps[0]).toMatch(/^SCAN search_words VIRTUAL TABLE INDEX \d+:M\d*</);
      expect(steps[1]).toBe('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
      expect(steps.join('\n')).not.toMatch(/messages_conversation|TEMP B-TREE/);
    }
  });

  it('finds the same rows it plans for', () => {
    const rows = (filter: Omit<SearchFilter, 'before' | 'limit'>) =>
      db.$client.prepare(sqliteText).raw(true).all(...SQLITE_SQL.searchValues(searchTerms('lobby 4321'), { ...filter, before: Number.MAX_SAFE_INTEGER, limit: 21 }));
    expect(rows({ conversationIds: [1, 2] }).map((row) => (row as unknown[])[0])).toEqual([4322]);
    expect(rows({ conversationIds: [2] })).toEqual([]);
  });
});
