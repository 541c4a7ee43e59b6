import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/** The suite runs on SQLite, or on PostgreSQL when HEARTH_TEST_DATABASE=postgres (npm run test:postgres). */
export const onPostgres = process.env.HEARTH_TEST_DATABASE === 'postgres';

/** The PostgreSQL server test databases are made on, as a user who may create them. */
export const POSTGRES_URL = process.env.HEARTH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A test's own database, and a way to read and tamper with it behind the server's back, in either dialect. */
export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** What startServer takes to use it. */
  options: { dbPath: string; database: string };
  /** The same as flags, for a server process or an operator command. */
  args: string[];
  /** The rows a query returns, read straight from the database; `?` marks each parameter. */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Runs one statement; `unchecked`, with foreign keys not enforced, as an operator's script might. */
  run(sql: string, params?: unknown[], options?: { unchecked?: boolean }): Promise<void>;
  /**
   * Makes the database refuse to store a message with this content: the row alone (a constraint refuses it) or the
   * whole transaction it is in (an error that is no constraint's). Resolves to a function that lifts the refusal.
   */
  refuseMessages(content: string, scope: 'row' | 'transaction'): Promise<() => Promise<void>>;
  /** Deletes the database (on SQLite the file goes with its directory). */
  drop(): Promise<void>;
}

/** A fresh database for one test server: a file in `dir`, or a new PostgreSQL database with a unique name. */
export async function createTestDatabase(dir: string): Promise<TestDatabase> {
  return onPostgres ? createPostgresDatabase(dir) : sqlite(join(dir, 'chat.db'));
}

function sqlite(path: string): TestDatabase {
  const open = <T>(use: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  let triggers = 0;
  return {
    dialect: 'sqlite',
    options: { dbPath: path, database: '' },
    args: ['--db', path],
    all: async <T>(sql: string, ...params: unknown[]) => open((db) => db.prepare(sql).all(...params) as T[]),
    async run(sql, params = [], options = {}) {
      open((db) => {
        if (options.unchecked) db.pragma('foreign_keys = OFF');
        db.prepare(sql).run(...params);
      });
    },
    async refuseMessages(content, scope) {
      const name = `refuse_${++triggers}`;
      const raise = scope === 'row' ? 'ABORT' : 'ROLLBACK';
      open((db) => db.exec(`CREATE TRIGGER ${name} BEFORE INSERT ON messages WHEN NEW.content = ${literal(content)} BEGIN SELECT RAISE(${raise}, 'refused'); END`));
      return async () => void open((db) => db.exec(`DROP TRIGGER ${name}`));
    },
    drop: async () => undefined,
  };
}

/** A new PostgreSQL database, whichever dialect the suite runs on. */
export async function createPostgresDatabase(dir: string): Promise<TestDatabase> {
  const name = `hearth_test_${randomBytes(6).toString('hex')}`;
  await withClient(POSTGRES_URL, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const connect = (use: (client: pg.Client) => Promise<unknown>) => withClient(url.href, use);
  let triggers = 0;
  return {
    dialect: 'postgres',
    options: { dbPath: join(dir, 'unused.db'), database: url.href },
    args: ['--database', url.href],
    async all<T>(sql: string, ...params: unknown[]) {
      let rows: T[] = [];
      await connect(async (client) => (rows = (await client.query(numbered(sql), params)).rows as T[]));
      return rows;
    },
    async run(sql, params = [], options = {}) {
      await connect(async (client) => {
        // Superuser only: foreign keys are triggers, and a replica session fires none.
        if (options.unchecked) await client.query('SET session_replication_role = replica');
        await client.query(numbered(sql), params);
      });
    },
    async refuseMessages(content, scope) {
      const name = `refuse_${++triggers}`;
      // A check_violation is a constraint's refusal; a plain RAISE is not.
      const raise = scope === 'row' ? `RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'` : `RAISE EXCEPTION 'refused'`;
      await connect(async (client) => {
        await client.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.content = ${literal(content)} THEN ${raise}; END IF; RETURN NEW; END $$`);
        await client.query(`CREATE TRIGGER ${name} BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION ${name}()`);
      });
      return () => connect((client) => client.query(`DROP TRIGGER ${name} ON messages; DROP FUNCTION ${name}()`)).then(() => undefined);
    },
    drop: () => withClient(POSTGRES_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** bigint (ids, seconds, counts) as numbers, as the server reads them. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Runs with a connection of its own, closed afterwards. */
async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, types });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A string as an SQL literal, for a trigger's body, where no parameter can go. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** SQLite's `?` parameters as PostgreSQL's `$1`, `$2`, …; the queries here hold no `?` in a string. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};
