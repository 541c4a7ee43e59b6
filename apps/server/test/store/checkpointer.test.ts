import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { statement } from '../../src/store/statement.js';
import { eventually } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USER = statement('test.user', 'INSERT INTO users (nickname, nickname_key, created_at) VALUES ($1, $1, 0)');
const FILLER = statement('test.filler', "INSERT INTO users (nickname, nickname_key, created_at, status) VALUES ($1, $1, 0, printf('%.2000c', 'x'))");

describe('the write-ahead log', () => {
  it('is copied into the database file beside the writer, long before the writer would copy it itself', async () => {
    const path = join(dir, 'copied.db');
    const db = SqliteDatabase.open(path);
    const fileSize = () => statSync(path).size;
    const before = fileSize();
    // About 2,000 pages: twice what a commit would once have copied, a fifth of what it copies now.
    for (let batch = 0; batch < 40; batch++) {
      await db.write(async (tx) => {
        for (let i = 0; i < 100; i++) await tx.run(FILLER, [`user${batch}-${i}`]);
      });
    }
    await eventually(async () => (fileSize() > before + 4_000_000 ? true : undefined), 'the rows to reach the database file');
    // What reached the file is whole: another connection reads every row from it once the log is gone.
    await db.write((tx) => tx.run(USER, ['last']));
    await db.close();
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare("SELECT count(*) FROM users WHERE nickname LIKE 'user%' OR nickname = 'last'").pluck().get()).toBe(4_001);
    reader.close();
  });
});
