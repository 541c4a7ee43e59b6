import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type pg from 'pg';
import { openPostgres } from './open.js';
import { MESSAGE_WORDS } from './sql.js';

/** Rows copied per table, in the order they were copied. */
export type CopyReport = { table: string; rows: number }[];

/** A table both databases hold, its columns, and the tables its foreign keys point to. */
interface Table {
  name: string;
  columns: string[];
  parents: string[];
}

const sqliteMigrations = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Rows per INSERT: few round trips, and far below PostgreSQL's limit of 65,535 parameters in one statement. */
const BATCH_ROWS = 1_000;
const MAX_PARAMETERS = 65_535;

/**
 * The PostgreSQL types a SQLite column's values go into as they are. Both schemas keep only integers (ids, seconds,
 * counts) and text (JSON included); a column typed otherwise on either side would need converting, so it stops the copy.
 */
const SAME_VALUES: Record<string, readonly string[]> = { integer: ['integer', 'bigint'], text: ['text'] };

/**
 * Copies the chat in the SQLite file at `from` into the PostgreSQL database at `to`, every row as it is: ids,
 * session token hashes, the change log's seqs. Then each identity column counts on from where SQLite's stopped, so
 * the server started on PostgreSQL carries on where the SQLite one stopped. The SQLite file is only read; the copy is
 * one PostgreSQL transaction, so a failure leaves nothing behind but the schema.
 */
export async function copySqliteToPostgres(from: string, to: string): Promise<CopyReport> {
  const source = openSource(from);
  try {
    return await withConnection(to, (target) => copyAll(source, target));
  } finally {
    source.close();
  }
}

/**
 * Refuses what `copySqliteToPostgres` would, before anything is copied anywhere: a file it cannot copy, a database
 * holding a chat. For a command that does other work first (moving files) and must not do it in vain.
 */
export async function checkSqliteToPostgres(from: string, to: string): Promise<void> {
  openSource(from).close();
  await withConnection(to, refuseAChat);
}

/** One connection to the database at `url`, once its schema is brought up to date. */
async function withConnection<T>(url: string, use: (target: pg.PoolClient) => Promise<T>): Promise<T> {
  const { reads, writes } = await openPostgres(url);
  try {
    const target = await writes.connect();
    try {
      return await use(target);
    } finally {
      target.release();
    }
  } finally {
    await Promise.all([reads.end(), writes.end()]);
  }
}

/** Opens the file read-only, once sure it is a Hearth database with every migration this checkout has. */
function openSource(path: string): Database.Database {
  if (!existsSync(path)) throw new Error(`No SQLite database at ${path}`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    checkMigrations(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error instanceof Database.SqliteError ? new Error(`${path} cannot be read: ${error.message}`) : error;
  }
}

/** The PostgreSQL schema is this checkout's, so the file must be at the same migration: its newest, as Drizzle tells it. */
function checkMigrations(db: Database.Database, path: string): void {
  const known = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '__drizzle_migrations'").get() !== undefined;
  if (!known) throw new Error(`${path} is not a Hearth database`);
  const applied = db.prepare('SELECT max(created_at) FROM __drizzle_migrations').pluck().get() as number | null;
  const newest = readMigrationFiles({ migrationsFolder: sqliteMigrations }).at(-1)!.folderMillis;
  if (applied === null || applied < newest) {
    throw new Error(`${path} was last opened by an older Hearth: start the server on it once to upgrade it, stop it, and run this again`);
  }
  if (applied > newest) throw new Error(`${path} was opened by a newer Hearth than this one: update this checkout first`);
}

async function copyAll(source: Database.Database, target: pg.PoolClient): Promise<CopyReport> {
  // One read transaction: every table as of one moment, even if a server were still writing to the file.
  source.exec('BEGIN');
  try {
    const report = await inTransaction(target, () => copyTables(source, target));
    // The first queries are planned on the copied rows' statistics, not on those of empty tables.
    await target.query('ANALYZE');
    return report;
  } finally {
    source.exec('COMMIT');
  }
}

async function inTransaction<T>(target: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await target.query('BEGIN');
  try {
    const result = await work();
    await target.query('COMMIT');
    return result;
  } catch (error) {
    await target.query('ROLLBACK');
    throw error;
  }
}

async function copyTables(source: Database.Database, target: pg.PoolClient): Promise<CopyReport> {
  const tables = inForeignKeyOrder(await bothTables(source, target));
  await clearTarget(target, tables);
  const report: CopyReport = [];
  for (const table of tables) report.push({ table: table.name, rows: await copyTable(source, target, table) });
  await indexForSearch(target);
  await countOnFromSqlite(source, target);
  return report;
}

/**
 * The tables to copy, checked to match column for column. The search index is each dialect's own (SQLite's virtual
 * table and its shadow tables, PostgreSQL's `message_words`): built again from the messages, not copied.
 */
async function bothTables(source: Database.Database, target: pg.PoolClient): Promise<Table[]> {
  const sqliteTables = source
    .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name")
    .pluck()
    .all() as string[];
  const pgColumns = await columnTypesInPostgres(target);
  pgColumns.delete(SEARCH_INDEX);
  const differences: string[] = [...pgColumns.keys()].filter((name) => !sqliteTables.includes(name)).map((name) => `table ${name} is in PostgreSQL only`);
  const tables: Table[] = [];
  for (const name of sqliteTables) {
    const inPostgres = pgColumns.get(name);
    if (inPostgres === undefined) differences.push(`table ${name} is in SQLite only`);
    else tables.push(compareColumns(source, name, inPostgres, differences));
  }
  if (differences.length > 0) throw new Error(`the two schemas differ: ${differences.join('; ')}`);
  return tables;
}

const SEARCH_INDEX = 'message_words';

/**
 * Indexes every copied message for search, as the migration that made the index did. The search consumer's cursor
 * comes with the change log; what it indexes again after it is written over, not twice.
 */
async function indexForSearch(target: pg.PoolClient): Promise<void> {
  await target.query(`INSERT INTO ${SEARCH_INDEX} (message_id, conversation_id, user_id, words)
    SELECT id, conversation_id, user_id, ${MESSAGE_WORDS} FROM messages WHERE deleted_at IS NULL AND event IS NULL`);
}

/** Each PostgreSQL table's column types, by name. */
async function columnTypesInPostgres(target: pg.PoolClient): Promise<Map<string, Map<string, string>>> {
  const { rows } = await target.query<{ table_name: string; column_name: string; data_type: string }>(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const tables = new Map<string, Map<string, string>>();
  for (const row of rows) {
    if (!tables.has(row.table_name)) tables.set(row.table_name, new Map());
    tables.get(row.table_name)!.set(row.column_name, row.data_type);
  }
  return tables;
}

/** One table as SQLite holds it, noting every way its columns differ from PostgreSQL's. */
function compareColumns(source: Database.Database, name: string, inPostgres: Map<string, string>, differences: string[]): Table {
  const columns = source.prepare('SELECT name, lower(type) AS type FROM pragma_table_info(?)').all(name) as { name: string; type: string }[];
  for (const { name: column, type } of columns) {
    const pgType = inPostgres.get(column);
    if (pgType === undefined) differences.push(`${name}.${column} is in SQLite only`);
    else if (SAME_VALUES[type]?.includes(pgType) !== true) differences.push(`${name}.${column} is ${type} in SQLite but ${pgType} in PostgreSQL`);
  }
  for (const column of inPostgres.keys()) if (!columns.some((c) => c.name === column)) differences.push(`${name}.${column} is in PostgreSQL only`);
  const parents = source.prepare('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)').pluck().all(name) as string[];
  return { name, columns: columns.map((c) => c.name), parents: parents.filter((parent) => parent !== name) };
}

/** Every table after those its rows point to. A table pointing to itself (replies) is copied in id order. */
function inForeignKeyOrder(tables: Table[]): Table[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: Table[] = [];
  const visit = (table: Table) => {
    if (ordered.includes(table)) return;
    for (const parent of table.parents) visit(byName.get(parent)!);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/**
 * A database holding no users and no changes is empty but for what a server's first start leaves before anyone
 * joins (the lobby, the first invite, settings): those rows go, so the copied ones keep their ids. Anything more is a
 * chat of its own, which the copy must not mix with this one.
 */
async function clearTarget(target: pg.PoolClient, tables: Table[]): Promise<void> {
  await refuseAChat(target);
  for (const table of [...tables].reverse()) await target.query(`DELETE FROM ${quote(table.name)}`);
}

async function refuseAChat(target: pg.PoolClient): Promise<void> {
  const count = async (table: string) => (await target.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(table)}`)).rows[0]!.n;
  const [users, changes] = [await count('users'), await count('changes')];
  if (users + changes > 0) {
    throw new Error(`the PostgreSQL database already holds a chat (${users} users, ${changes} changes): copy into a new, empty database`);
  }
}

/** Streams a table's rows in rowid order (id order, where it has an id) into multi-row INSERTs. */
async function copyTable(source: Database.Database, target: pg.PoolClient, table: Table): Promise<number> {
  const columns = table.columns.map(quote).join(', ');
  const rowsPerInsert = Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / table.columns.length));
  let batch: unknown[][] = [];
  let copied = 0;
  for (const row of source.prepare(`SELECT ${columns} FROM ${quote(table.name)} ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length < rowsPerInsert) continue;
    copied += await insert(target, table.name, columns, batch);
    batch = [];
  }
  return batch.length === 0 ? copied : copied + (await insert(target, table.name, columns, batch));
}

async function insert(target: pg.PoolClient, table: string, columns: string, rows: unknown[][]): Promise<number> {
  const width = rows[0]!.length;
  const tuples = rows.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
  await target.query(`INSERT INTO ${quote(table)} (${columns}) VALUES ${tuples.join(', ')}`, rows.flat());
  return rows.length;
}

/**
 * Sets every identity sequence past the highest value SQLite ever gave out in its column (kept in sqlite_sequence,
 * which deleted rows, such as signed-out sessions, do not lower), so no id or seq is given twice.
 */
async function countOnFromSqlite(source: Database.Database, target: pg.PoolClient): Promise<void> {
  const given = new Map(source.prepare('SELECT name, seq FROM sqlite_sequence').raw().all() as [string, number][]);
  const { rows } = await target.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'",
  );
  for (const { table_name: table, column_name: column } of rows) {
    const highest = (await target.query<{ n: number }>(`SELECT coalesce(max(${quote(column)}), 0)::bigint AS n FROM ${quote(table)}`)).rows[0]!.n;
    const last = Math.max(highest, given.get(table) ?? 0);
    // A sequence cannot be set to 0: "1, not yet given" has the next value be 1.
    await target.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)', [quote(table), column, Math.max(last, 1), last > 0]);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
