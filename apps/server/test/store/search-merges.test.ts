import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Search } from '../../src/store/search.js';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { statement } from '../../src/store/statement.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-search-merges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETUP = [
  "INSERT INTO users (nickname, nickname_key, created_at) VALUES ('ann', 'ann', 0)",
  "INSERT INTO conversations (type, dm_key, created_at) VALUES ('lobby', NULL, 0)",
].map((text, i) => statement(`setup.${i}`, text));
const MESSAGE = statement('test.message', "INSERT INTO messages (conversation_id, user_id, content, client_id, created_at) VALUES (1, 1, 'hello from ann ' || $1, $1, 0)");
const SEGMENTS = statement('test.segments', 'SELECT count(DISTINCT segid) FROM search_words_idx');
const FOUND = statement('test.found', "SELECT count(*) FROM search_words WHERE search_words MATCH 'hello'");
const AUTOMERGE = statement('test.automerge', "SELECT v FROM search_words_config WHERE k = 'automerge'");

/** A database holding Ann and the lobby, with its search index; `indexBatch` stores 25 messages and indexes them as one segment. */
async function indexed(name: string) {
  const db = SqliteDatabase.open(join(dir, name));
  const search = new Search(db);
  await db.write(async (tx) => {
    for (const setup of SETUP) await tx.run(setup);
  });
  let id = 0;
  const indexBatch = async () => {
    const ids: number[] = [];
    await db.write(async (tx) => {
      for (let i = 0; i < 25; i++) {
        await tx.run(MESSAGE, [`c${++id}`]);
        ids.push(id);
      }
    });
    await db.aside((queries) => search.index(queries, ids, []));
  };
  return { db, search, indexBatch };
}

describe('search index merges', () => {
  it('indexing a batch leaves merging to steps of their own, which bring the segments back down and lose no word', async () => {
    const { db, search, indexBatch } = await indexed('merges.db');
    expect(await db.rows(AUTOMERGE)).toEqual([[0]]);
    for (let batch = 0; batch < 40; batch++) await indexBatch();
    // Each batch's commit wrote a segment of its own and merged nothing.
    expect(await db.rows(SEGMENTS)).toEqual([[40]]);
    let steps = 0;
    while (await search.merge()) steps++;
    expect(steps).toBeGreaterThan(0);
    const [[left]] = (await db.rows<[number]>(SEGMENTS)) as [[number]];
    expect(left).toBeLessThan(10);
    expect(await db.rows(FOUND)).toEqual([[1_000]]);
    await db.close();
  });

  it('merges a level once it holds eight segments, so each word is rewritten half as often as at four', async () => {
    const { db, search, indexBatch } = await indexed('levels.db');
    for (let batch = 0; batch < 7; batch++) await indexBatch();
    expect(await search.merge()).toBe(false);
    expect(await db.rows(SEGMENTS)).toEqual([[7]]);
    await indexBatch();
    while (await search.merge());
    expect(await db.rows(SEGMENTS)).toEqual([[1]]);
    expect(await db.rows(FOUND)).toEqual([[200]]);
    await db.close();
  });
});
