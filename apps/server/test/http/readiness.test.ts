import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, POSTGRES_URL } from '../support/database.js';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { get } from '../support/metrics.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.destroy();
});

/** /readyz's status and body. */
async function readiness(): Promise<{ status: number; body: unknown }> {
  const answer = await get(`${server.url}/readyz`);
  return { status: answer.status, body: JSON.parse(answer.text) };
}

/** Runs statements as the PostgreSQL superuser, on the server's maintenance database. */
async function asSuperuser(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

describe('/readyz', () => {
  it('answers 200 while the database answers, and /healthz answers 200 as ever', async () => {
    expect(await readiness()).toEqual({ status: 200, body: { ok: true } });
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });

  it.runIf(onPostgres)('answers 503 while the database refuses connections, and 200 again once it takes them', async () => {
    const name = new URL(server.db.options.database).pathname.slice(1);
    const allow = (yes: boolean) => `ALTER DATABASE ${name} ALLOW_CONNECTIONS ${yes}`;
    try {
      await asSuperuser(allow(false), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      const down = await eventually(async () => {
        const now = await readiness();
        return now.status === 503 ? now : undefined;
      }, '/readyz to say the database is unreachable');
      expect(down.body).toEqual({ ok: false, reason: 'database unreachable' });
      // The process itself is alive: liveness does not follow the database.
      expect((await get(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await asSuperuser(allow(true));
    }
    await eventually(async () => ((await readiness()).status === 200 ? true : undefined), '/readyz to be ready again');
  });
});
