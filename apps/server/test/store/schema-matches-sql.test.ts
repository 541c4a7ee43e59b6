import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/open.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A statement as SQLite keeps it, without the quoting and layout that differ between how the two write it. */
const normalized = (sql: string) => sql.replace(/`/g, '').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');

/**
 * Everything SQLite reports about a database's tables: columns, keys, foreign keys and indexes; for a virtual table
 * also how it was declared and the options it keeps. The tables a virtual table keeps its data in (SQLite calls them
 * shadow tables) are its own business and left out; every other table counts.
 */
function describeDatabase(db: Database.Database) {
  const listed = db.pragma('table_list') as { schema: string; name: string; type: string }[];
  const tables = listed
    .filter((t) => t.schema === 'main' && (t.type === 'table' || t.type === 'virtual') && !t.name.startsWith('sqlite_') && !t.name.startsWith('__drizzle'))
    .map((t) => t.name)
    .sort();
  const virtual = new Set(listed.filter((t) => t.type === 'virtual').map((t) => t.name));
  return Object.fromEntries(
    tables.map((table) => [
      table,
      {
        columns: (db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[]).map((c) => ({
          name: c.name,
          type: c.type.toLowerCase(),
          notnull: c.notnull,
          default: c.dflt_value,
          pk: c.pk,
        })),
        autoincrement: /AUTOINCREMENT/i.test((db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(table) as { sql: string }).sql),
        foreignKeys: (db.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string; on_update: string; on_delete: string }[])
          .map((f) => `${f.from} -> ${f.table}.${f.to} (update ${f.on_update}, delete ${f.on_delete})`)
          .sort(),
        indexes: (db.pragma(`index_list(${table})`) as { name: string; unique: number; origin: string }[])
          .map((index) => ({
            // Auto-index names differ with how a constraint is written; what it covers and its uniqueness do not.
            columns: (db.pragma(`index_info(${index.name})`) as { name: string }[]).map((c) => c.name).join(','),
            unique: index.unique,
            name: index.origin === 'c' ? index.name : '(constraint)',
          }))
          .sort((a, b) => a.columns.localeCompare(b.columns)),
        ...(virtual.has(table)
          ? {
              declared: normalized((db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql),
              options: db.prepare(`SELECT k, v FROM ${table}_config ORDER BY k`).all(),
            }
          : {}),
      },
    ]),
  );
}

/** Every trigger, by name, as declared. */
function describeTriggers(db: Database.Database) {
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as { name: string; sql: string }[];
  return Object.fromEntries(triggers.map((t) => [t.name, normalized(t.sql)]));
}

describe('the database schema', () => {
  it('schema.sql and the Drizzle migrations create the same tables, columns, keys, indexes and triggers', () => {
    const fromSql = new Database(join(dir, 'from-sql.db'));
    fromSql.exec(readFileSync(new URL('../../../../schema.sql', import.meta.url), 'utf8'));
    const fromDrizzle = openDatabase(join(dir, 'from-drizzle.db')).$client;

    const expected = describeDatabase(fromSql);
    expect(Object.keys(expected)).toEqual(['bot_endpoints', 'changes', 'consumers', 'conversation_members', 'conversations', 'files', 'invites', 'messages', 'push_subscriptions', 'search_words', 'servers', 'sessions', 'settings', 'sign_in_links', 'users', 'webhooks']);
    expect(describeDatabase(fromDrizzle)).toEqual(expected);
    // Nothing is written behind the store's back: the search index is a consumer's.
    expect(Object.keys(describeTriggers(fromSql))).toEqual([]);
    expect(describeTriggers(fromDrizzle)).toEqual(describeTriggers(fromSql));
    fromSql.close();
    fromDrizzle.close();
  });

  it('opens in WAL mode', () => {
    const db = openDatabase(join(dir, 'wal.db')).$client;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
