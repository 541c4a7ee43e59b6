import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchTerms } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { Store } from '../../src/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-search-merges-'));
let store: Store;
let db: SqliteDatabase;

const BATCHES = 60;
const PER_BATCH = 20;

/** The index's pieces: FTS5 keeps each in the `_data` table, its leaves and their b-tree pages. */
async function pages(): Promise<number> {
  return (await db.rows<[number]>({ name: 'test.pages', text: 'SELECT count(*) FROM search_words_data' }))[0]![0];
}

/** Messages stored and indexed the way the search consumer does: one transaction per batch, as a busy server would. */
beforeAll(async () => {
  db = SqliteDatabase.open(join(dir, 'chat.db'), 'NORMAL');
  store = await Store.over(db);
  const lobby = await store.conversations.ensureLobby(1);
  await store.accounts.createInvite({ code: 'a', createdBy: null, createdAt: 1, expiresAt: null, maxUses: 1 });
  const redeemed = await store.accounts.redeem({ code: 'a', nickname: 'ann', nicknameKey: 'ann', tokenHash: 'ann', label: 'test', lobbyId: lobby, createdAt: 1 });
  if (!redeemed.ok) throw new Error(redeemed.reason);
  for (let b = 0; b < BATCHES; b++) {
    const stored = await store.messages.append(
      Array.from({ length: PER_BATCH }, (_, i) => ({ conversationId: lobby, userId: redeemed.user.id, content: `word${b} item${b * PER_BATCH + i}`, clientId: `${b}-${i}`, createdAt: 1 })),
    );
    await store.aside((queries) => store.search.index(queries, stored.map((outcome) => outcome.message!.id), []));
  }
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite search index', () => {
  it('is not merged by the transactions that write it, but a step at a time when quiet, until nothing is left', async () => {
    expect(await db.rows({ name: 'test.automerge', text: "SELECT v FROM search_words_config WHERE k = 'automerge'" })).toEqual([[0]]);
    const unmerged = await pages();
    let steps = 0;
    while (await store.aside((queries) => store.search.tidy(queries))) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(await pages()).toBeLessThan(unmerged);
    // A last step finds nothing to do.
    expect(await store.aside((queries) => store.search.tidy(queries))).toBe(false);
  });

  it('finds every message after merging', async () => {
    const lobby = await store.conversations.ensureLobby(1);
    for (const b of [0, 31, BATCHES - 1]) {
      const found = await store.search.messages(searchTerms(`word${b}`), { conversationIds: [lobby], before: Number.MAX_SAFE_INTEGER, limit: 50 });
      expect(found).toHaveLength(PER_BATCH);
    }
  });
});
