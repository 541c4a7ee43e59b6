import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../../src/store/postgres/database.js';
import { openDatabase } from '../../src/store/sqlite/open.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';

/**
 * Each table as both dialects can say it: columns (type, nullability, default), primary key, indexes by name and
 * columns, foreign keys. Integers are one type here: PostgreSQL keeps seconds, message ids and seqs in bigint.
 */
type Shape = Record<string, { columns: Record<string, string>; primaryKey: string; indexes: string[]; foreignKeys: string[] }>;

const column = (type: string, notNull: boolean, fallback: string | null) =>
  `${type}${notNull ? ' not null' : ''}${fallback === null ? '' : ` default ${fallback}`}`;

/** The SQLite database as its migrations make it, from pragmas; the full-text index (a virtual table) aside. */
function sqliteShape(db: Database.Database): Shape {
  const tables = (db.pragma('table_list') as { schema: string; name: string; type: string }[])
    .filter((t) => t.schema === 'main' && t.type === 'table' && !t.name.startsWith('sqlite_') && !t.name.startsWith('__drizzle'))
    .map((t) => t.name);
  const shape: Shape = {};
  for (const table of tables) {
    const columns = db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    const indexes = (db.pragma(`index_list(${table})`) as { name: string; unique: number; origin: string; partial: number }[]).filter((i) => i.origin !== 'pk');
    const foreignKeys = db.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[];
    shape[table] = {
      // SQLite lets a primary key hold NULL unless told; every one here is told.
      columns: Object.fromEntries(columns.map((c) => [c.name, column(c.type.toLowerCase(), c.notnull === 1 || c.pk > 0, c.dflt_value)])),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name).join(','),
      indexes: indexes.map((i) => indexOf(i.name, (db.pragma(`index_info(${i.name})`) as { name: string }[]).map((c) => c.name).join(','), i.unique === 1, i.partial === 1)),
      foreignKeys: foreignKeys.map((f) => `${f.from} -> ${f.table}.${f.to}`),
    };
  }
  return sorted(shape);
}

/** The PostgreSQL database as its migrations make it, from information_schema and the catalog. */
async function postgresShape(db: TestDatabase): Promise<Shape> {
  const columns = await db.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const indexes = await db.all<{ table: string; name: string; unique: boolean; primary: boolean; partial: boolean; columns: string | null }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary, x.indpred IS NOT NULL AS partial,
       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
     FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
     WHERE t.relnamespace = 'public'::regnamespace`,
  );
  const foreignKeys = await db.all<{ table: string; from: string; to: string }>(
    `SELECT c.conrelid::regclass::text AS table, a.attname AS from, c.confrelid::regclass::text || '.' || f.attname AS to
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
  );
  const shape: Shape = {};
  for (const c of columns) {
    const type = c.data_type === 'bigint' ? 'integer' : c.data_type;
    (shape[c.table_name] ??= { columns: {}, primaryKey: '', indexes: [], foreignKeys: [] }).columns[c.column_name] = column(type, c.is_nullable === 'NO', c.column_default);
  }
  // An index over an expression (the full-text index) has no columns to compare.
  for (const i of indexes.filter((i) => i.columns !== null)) {
    if (i.primary) shape[i.table]!.primaryKey = i.columns!;
    else shape[i.table]!.indexes.push(indexOf(i.name, i.columns!, i.unique, i.partial));
  }
  for (const f of foreignKeys) shape[f.table]!.foreignKeys.push(`${f.from} -> ${f.to}`);
  // The search index is each dialect's own (SQLite's is a virtual table), checked below.
  delete shape.message_words;
  return sorted(shape);
}

const indexOf = (name: string, columns: string, unique: boolean, partial: boolean) => `${name}: ${unique ? 'unique ' : ''}(${columns})${partial ? ' where …' : ''}`;

function sorted(shape: Shape): Shape {
  for (const table of Object.values(shape)) {
    table.indexes.sort();
    table.foreignKeys.sort();
  }
  return Object.fromEntries(Object.entries(shape).sort(([a], [b]) => a.localeCompare(b)));
}

const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-schema-'));
let postgres: TestDatabase;
beforeAll(async () => {
  postgres = await createPostgresDatabase(dir);
  await (await PostgresDatabase.open(postgres.options.database)).close();
});
afterAll(async () => {
  await postgres?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the PostgreSQL schema', () => {
  it('has the tables, columns, keys and indexes of the SQLite schema, as their migrations make them', async () => {
    const sqlite = openDatabase(join(dir, 'chat.db')).$client;
    const expected = sqliteShape(sqlite);
    sqlite.close();
    expect(Object.keys(expected)).toEqual(['bot_endpoints', 'changes', 'consumers', 'conversation_members', 'conversations', 'files', 'invites', 'messages', 'push_subscriptions', 'servers', 'sessions', 'settings', 'sign_in_links', 'users', 'webhooks']);
    expect(await postgresShape(postgres)).toEqual(expected);
  });

  it('indexes message words for search in a table of their own, as SQLite does with search_words', async () => {
    const [index] = await postgres.all<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'message_words_idx'");
    expect(index?.indexdef).toMatch(/ON public\.message_words USING gin \(words\)/);
    expect(await postgres.all("SELECT 1 FROM pg_indexes WHERE indexname = 'messages_search_idx'")).toEqual([]);
  });
});
