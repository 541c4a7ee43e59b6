import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Opens (creating if needed) the database in WAL mode and applies pending migrations. */
export function openDatabase(path: string, synchronous: 'NORMAL' | 'FULL' = 'FULL'): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  // A deleted message's text must not linger in free space in the file.
  sqlite.pragma('secure_delete = ON');
  // A second process (the invite command) may hold the write lock briefly.
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder });
  // The search index's pieces are merged when the server is quiet (Search.tidy), not in every transaction that
  // writes it: a send's batch costs about a third less to index. Up to 16 pieces a level still merge at once.
  sqlite.prepare("INSERT INTO search_words (search_words, rank) VALUES ('automerge', 0)").run();
  return db;
}
