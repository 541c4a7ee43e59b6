import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { statement } from '../../src/store/statement.js';

const INSERT = statement('test.insert_invite', 'INSERT INTO invites (code, created_at) VALUES ($1, 1)');

let dir: string;
let db: SqliteDatabase;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-durable-'));
  db = SqliteDatabase.open(join(dir, 'chat.db'), 'FULL');
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Counts event-loop turns until `promise` settles. */
async function turnsUntil(promise: Promise<unknown>): Promise<number> {
  let settled = false;
  void promise.finally(() => (settled = true));
  let turns = 0;
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  return turns;
}

describe('with synchronous FULL on SQLite', () => {
  it('a write resolves after the disk has its log, and the event loop keeps turning meanwhile', async () => {
    expect(await turnsUntil(db.write((tx) => tx.run(INSERT, ['first'])))).toBeGreaterThan(0);
    // What resolved is committed: another connection to the file reads it.
    const other = new Database(join(dir, 'chat.db'), { readonly: true });
    expect(other.prepare("SELECT code FROM invites WHERE code = 'first'").pluck().get()).toBe('first');
    other.close();
  });

  it('writes made while the log is being synced all resolve, in the order they were made', async () => {
    const order: string[] = [];
    const codes = Array.from({ length: 20 }, (_, i) => `code-${i}`);
    await Promise.all(codes.map((code) => db.write((tx) => tx.run(INSERT, [code])).then(() => order.push(code))));
    expect(order).toEqual(codes);
  });

  it('a statement run on its own, outside a transaction, waits for the disk too', async () => {
    expect(await turnsUntil(db.run(INSERT, ['alone']))).toBeGreaterThan(0);
  });
});
