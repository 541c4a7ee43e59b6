import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/process.js';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

const run = promisify(execFile);

let server: TestServer;
let tokens: Record<'olga' | 'ann', string>;

beforeAll(async () => {
  server = await startTestServer();
  tokens = { olga: (await server.join('olga')).token, ann: (await server.join('ann')).token };
});
afterAll(() => server.destroy().catch(() => undefined));

/** Runs `npm run admin -- …` against the test server's database and port. */
const admin = (...args: string[]) => run(process.execPath, [ADMIN, ...args, ...server.db.args, '--port', String(server.port), '--public-url', server.publicUrl]);

describe('npm run admin', () => {
  it('lists everyone with role, status and devices while the server runs', async () => {
    const { stdout } = await admin('members');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+nickname\s+role\s+status\s+last active \(UTC\)\s+devices$/);
    expect(lines[1]).toMatch(/^1\s+olga\s+owner\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+1$/);
    expect(lines[2]).toMatch(/^2\s+ann\s+member\s+active/);
  });

  it('makes a sign-in link that recovers an account on a new device while the server runs', async () => {
    const { stdout } = await admin('sign-in-link', 'OLGA');
    const url = /(http\S+\/signin\/(\S+))$/m.exec(stdout);
    expect(url).not.toBeNull();
    const res = await fetch(`${server.url}/api/sign-in/${url![2]}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"device":"Spare laptop"}' });
    expect(res.status).toBe(201);
    const peer = await Peer.signIn(server.wsUrl, ((await res.json()) as { token: string }).token);
    expect(peer.seen('auth_ok')[0]!.payload.user).toMatchObject({ nickname: 'olga', role: 'owner' });
    await peer.close();
  });

  it('refuses to change roles or deactivate while the server runs, and names nobody it does not know', async () => {
    await expect(admin('make-owner', 'ann')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is running') });
    // Told another port than the server's (nothing listens there), it still finds the server by its database.
    const elsewhere = (...args: string[]) => run(process.execPath, [ADMIN, ...args, ...server.db.args, '--port', '1', '--public-url', server.publicUrl]);
    await expect(elsewhere('deactivate', 'ann')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is running') });
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(ann.seen('auth_ok')[0]!.payload.user).toMatchObject({ nickname: 'ann' });
    await ann.close();
    await expect(admin('sign-in-link', 'nobody')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Nobody is called nobody') });
    await expect(admin('launch')).rejects.toMatchObject({ code: 2, stdout: expect.stringContaining('Usage: npm run admin') });
  });

  it('hands the server to a new owner and deactivates a member once it is stopped', async () => {
    await server.close();
    // A server that crashed holds the database until its lease runs out, and not after.
    const crashed = (until: number) => server.db.run('INSERT INTO servers (holder, started_at, lease_until) VALUES (?, ?, ?)', ['crashed', Date.now(), until]);
    await crashed(Date.now() + 60_000);
    await expect(admin('make-owner', 'ann')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is running') });
    await server.db.run('DELETE FROM servers');
    await crashed(Date.now() - 1);
    expect((await admin('make-owner', 'ann')).stdout).toContain('ann is the owner now.');
    expect((await admin('deactivate', 'olga')).stdout).toContain('olga is deactivated');
    const { stdout } = await admin('members');
    // Deactivation ends her sessions but keeps when she was last active.
    expect(stdout).toMatch(/^1\s+olga\s+admin\s+deactivated\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+0$/m);
    expect(stdout).toMatch(/^2\s+ann\s+owner\s+active/m);
  });

  it('makes a bot and its key while the server is stopped, and a new key that stops the old', async () => {
    const made = await admin('create-bot', 'Pipeline');
    expect(made.stdout).toContain('Pipeline is a bot now.');
    const key = made.stdout.trim().split('\n').at(-1)!;
    await expect(admin('bot-key', 'ann')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('ann is not a bot') });
    const rotated = await admin('bot-key', 'Pipeline');
    const newKey = rotated.stdout.trim().split('\n').at(-1)!;
    expect(newKey).not.toBe(key);

    const restarted = await startTestServer({}, server);
    try {
      const post = (token: string) =>
        fetch(`${restarted.url}/api/conversations/1/messages`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"content":"nightly build passed"}' });
      expect((await post(key)).status).toBe(401);
      const posted = await post(newKey);
      expect(posted.status).toBe(201);
      const { stdout } = await run(process.execPath, [ADMIN, 'members', ...server.db.args]);
      expect(stdout).toMatch(/^\d+\s+Pipeline\s+bot\s+active/m);
    } finally {
      await restarted.close();
    }
  });
});
