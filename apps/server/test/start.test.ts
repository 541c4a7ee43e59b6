import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { redeem } from './support/harness.js';
import { INVITE, MAIN, spawnServer } from './support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-start-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A database of its own for one test, in the dialect the suite runs on. */
async function freshDatabase(name: string): Promise<TestDatabase> {
  mkdirSync(join(dir, name));
  const db = await createTestDatabase(join(dir, name));
  databases.push(db);
  return db;
}

describe('starting the server', () => {
  it('--help lists the options and exits', () => {
    const help = execFileSync(process.execPath, [MAIN, '--help']).toString();
    expect(help).toContain('--public-url');
    expect(help).toContain('HEARTH_DB');
  });

  it('prints the first invite on every start until somebody joins, then stops cleanly on SIGTERM', async () => {
    const db = (await freshDatabase('start')).args;
    const first = spawnServer(['--port', '0', ...db, '--public-url', 'https://chat.example.org/']);
    const [, firstUrl] = await first.waitFor(/Invite: (\S+)/);
    expect(firstUrl).toMatch(/^https:\/\/chat\.example\.org\/join\/[A-Za-z0-9_-]{22}$/);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    const second = spawnServer(['--port', '0', ...db]);
    const [, secondUrl] = await second.waitFor(/Invite: (\S+)/);
    const [, port] = await second.waitFor(/running at http:\/\/localhost:(\d+)/);
    expect(secondUrl!.split('/join/')[1]).toBe(firstUrl!.split('/join/')[1]);

    const joined = await redeem(`http://127.0.0.1:${port}`, secondUrl!.split('/join/')[1]!, 'operator');
    expect(joined.status).toBe(201);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const third = spawnServer(['--port', '0', ...db]);
    await third.waitFor(/running at/);
    expect(third.output()).not.toContain('Invite:');
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  });

  it('the invite command prints a fresh, working invite link', async () => {
    const db = (await freshDatabase('invite')).args;
    const url = execFileSync(process.execPath, [INVITE, ...db, '--public-url', 'http://chat.lan:8080']).toString().trim();
    expect(url).toMatch(/^http:\/\/chat\.lan:8080\/join\/[A-Za-z0-9_-]{22}$/);
    const another = execFileSync(process.execPath, [INVITE, ...db]).toString().trim();
    expect(another).not.toBe(url);
  });
});
