import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Populated, World } from './target.js';

/** Each run's databases are named after the process, so runs on one database server keep out of each other's way. */
const PREFIX = `hearth_bench_${process.pid}_`;

/** bigint ids as numbers, as the server reads them. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

let made = 0;

/** A PostgreSQL server on which the benchmark may create and drop databases. */
export class DatabaseServer {
  constructor(private readonly adminUrl: string) {}

  /** A new empty database, or a copy of `template`; its URL. */
  async create(template?: string): Promise<string> {
    const name = `${PREFIX}${++made}`;
    await this.admin((client) => client.query(`CREATE DATABASE ${name}${template === undefined ? '' : ` TEMPLATE ${nameOf(template)}`}`));
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.href;
  }

  async drop(url: string): Promise<void> {
    await this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${nameOf(url)} WITH (FORCE)`));
  }

  private async admin(use: (client: pg.Client) => Promise<unknown>): Promise<void> {
    await withClient(this.adminUrl, use);
  }
}

const nameOf = (url: string) => new URL(url).pathname.slice(1);

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, types });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Writes users (all in the lobby) and DMs straight into a migrated, stopped server's PostgreSQL database, as
 * targets/seed.ts does into SQLite: rows of the server's schema, tokens stored as their SHA-256.
 */
export function seedPostgres(url: string, world: World): Promise<Populated> {
  if (world.history > 0) throw new Error('Stored history is seeded on SQLite only');
  return withClient(url, async (db) => {
    const now = Math.floor(Date.now() / 1000);
    const lobbyId = Number((await db.query("SELECT id FROM conversations WHERE type = 'lobby'")).rows[0].id);
    const tokens = Array.from({ length: world.users }, () => randomBytes(32).toString('base64url'));
    const names = tokens.map((_, i) => `bench${i}`);
    await db.query('BEGIN');
    const inserted = await db.query<{ id: number; nickname: string }>(
      'INSERT INTO users (nickname, nickname_key, created_at) SELECT n, n, $2 FROM unnest($1::text[]) AS n RETURNING id, nickname',
      [names, now],
    );
    const idOf = new Map(inserted.rows.map((r) => [r.nickname, r.id]));
    const userIds = names.map((n) => idOf.get(n)!);
    await db.query(
      "INSERT INTO sessions (user_id, token_hash, label, created_at, last_used_at) SELECT u, h, 'bench', $3, $3 FROM unnest($1::int[], $2::text[]) AS t(u, h)",
      [userIds, tokens.map(sha256), now],
    );
    await addMembers(db, userIds.map(() => lobbyId), userIds, now);
    const dmIds = world.dms ? await addDms(db, userIds, now) : [];
    await db.query('COMMIT');
    return { tokens, userIds, lobbyId, dmIds, firstMessageId: 0, lastMessageId: 0 };
  });
}

/** Users 2k and 2k+1 share DM k. */
async function addDms(db: pg.Client, userIds: number[], now: number): Promise<number[]> {
  const pairs: [number, number][] = [];
  for (let k = 0; k + 1 < userIds.length; k += 2) pairs.push([userIds[k]!, userIds[k + 1]!]);
  const keys = pairs.map(([a, b]) => `${Math.min(a, b)}:${Math.max(a, b)}`);
  const made = await db.query<{ id: number; dm_key: string }>(
    "INSERT INTO conversations (type, dm_key, created_at) SELECT 'dm', k, $2 FROM unnest($1::text[]) AS k RETURNING id, dm_key",
    [keys, now],
  );
  const idOf = new Map(made.rows.map((r) => [r.dm_key, r.id]));
  const dmIds = keys.map((key) => idOf.get(key)!);
  await addMembers(db, pairs.flatMap((_, k) => [dmIds[k]!, dmIds[k]!]), pairs.flat(), now);
  return dmIds;
}

function addMembers(db: pg.Client, conversationIds: number[], userIds: number[], now: number): Promise<unknown> {
  return db.query(
    'INSERT INTO conversation_members (conversation_id, user_id, joined_at) SELECT c, u, $3 FROM unnest($1::int[], $2::int[]) AS t(c, u)',
    [conversationIds, userIds, now],
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
