import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { closedPort, refusedStart } from '../support/process.js';

// A process of a cluster that cannot reach what it shares says which and why in one line, and exits 1.

const dir = mkdtempSync(join(tmpdir(), 'hearth-cluster-refusals-'));
let db: TestDatabase;

beforeAll(async () => {
  db = await createPostgresDatabase(dir);
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a cluster process that cannot start', () => {
  it('names the bus it cannot reach', async () => {
    const port = await closedPort();
    const { code, lines } = await refusedStart(['--port', '0', ...db.args, '--bus', `redis://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(lines).toEqual([`The bus redis://127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}; is Redis running there?`]);
  });

  it('names a PostgreSQL database that does not exist, and how to make it', async () => {
    const url = new URL(db.args[1]!);
    url.pathname = '/no_such_chat';
    const { code, lines } = await refusedStart(['--port', '0', '--database', url.href]);
    expect(code).toBe(1);
    expect(lines).toEqual([`The PostgreSQL database ${url.href} cannot be used: database "no_such_chat" does not exist; create it first (createdb no_such_chat)`]);
  });
});
