import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloseCode, type User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { catchUp, Peer, redeem } from '../support/harness.js';
import { ADMIN, closedPort } from '../support/process.js';
import { PUBLIC_URL, removeCluster, startMember, testBusUrl, type Member } from './support.js';

// The operator's `npm run admin -- …` against two running server processes on PostgreSQL with a bus: the command
// commits as a server would and tells both over the bus, so nobody has to be stopped.

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hearth-admin-cluster-'));
const busUrl = testBusUrl();
let db: TestDatabase;
let a: Member;
let b: Member;
let ann: { user: User; token: string };
let ben: { user: User; token: string };
let cat: { user: User; token: string };

beforeAll(async () => {
  db = await createPostgresDatabase(dir);
  a = await startMember(db, busUrl);
  b = await startMember(db, busUrl);
  const [, code] = await a.proc.waitFor(/Invite: \S+\/join\/(\S+)/);
  ann = (await redeem(a.url, code!, 'ann')).body;
  const owner = await Peer.signIn(a.wsUrl, ann.token);
  const joined = [];
  for (const nickname of ['ben', 'cat']) {
    const invite = await owner.request('create_invite', {});
    if (invite.type !== 'invite_created') throw new Error(invite.type);
    joined.push((await redeem(b.url, invite.payload.code, nickname)).body);
  }
  [ben, cat] = joined;
  await owner.close();
}, 60_000);

afterAll(() => removeCluster(db, busUrl, dir));

/** Runs `npm run admin -- …` as the operator would beside the servers: their database, their bus, the first one's port. */
const admin = (...args: string[]) => run(process.execPath, [ADMIN, ...args, ...db.args, '--bus', busUrl, '--port', new URL(a.url).port, '--public-url', PUBLIC_URL]);

/** Rejects when a promise takes longer than `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe('npm run admin with servers on a bus', () => {
  it('deactivates a member while both servers run: closed with 4008 on the other process, heard live, found by catch-up', async () => {
    const annOnA = await Peer.signIn(a.wsUrl, ann.token);
    const benOnB = await Peer.signIn(b.wsUrl, ben.token);
    const catBefore = await Peer.signIn(b.wsUrl, cat.token);
    const cursor = catBefore.seen('auth_ok')[0]!.payload.cursor!;
    await catBefore.close();

    expect((await admin('deactivate', 'ben')).stdout).toContain('ben is deactivated');
    expect(await within(benOnB.closed, 2_000)).toBe(CloseCode.AccountDeactivated);
    const live = await annOnA.next('user_updated', (e) => e.payload.user.id === ben.user.id);
    expect(live.payload.user.deactivated).toBe(true);

    const catAgain = await Peer.signIn(a.wsUrl, cat.token);
    const caughtUp = (await catchUp(catAgain, cursor)).changes.filter((c) => c.type === 'user_updated' && c.payload.user.id === ben.user.id);
    expect(caughtUp).toEqual([expect.objectContaining({ seq: live.seq, payload: { user: expect.objectContaining({ deactivated: true }) } })]);
    await annOnA.close();
    await catAgain.close();
  });

  it('makes an admin, heard live on both processes', async () => {
    const annOnA = await Peer.signIn(a.wsUrl, ann.token);
    const catOnB = await Peer.signIn(b.wsUrl, cat.token);
    expect((await admin('make-admin', 'cat')).stdout).toContain('cat is an admin now.');
    for (const peer of [annOnA, catOnB]) {
      const heard = await peer.next('user_updated', (e) => e.payload.user.id === cat.user.id);
      expect(heard.payload.user.role).toBe('admin');
    }
    await annOnA.close();
    await catOnB.close();
  });

  it('changes nothing when the bus cannot be reached, and says why', async () => {
    const port = await closedPort();
    const refused = run(process.execPath, [ADMIN, 'remove-admin', 'cat', ...db.args, '--bus', `redis://127.0.0.1:${port}`, '--port', new URL(a.url).port]);
    await expect(refused).rejects.toMatchObject({
      code: 1,
      stderr: `The bus redis://127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}; is Redis running there?\nNothing was changed.\n`,
    });
    const [row] = await db.all<{ role: string | null }>('SELECT role FROM users WHERE id = ?', cat.user.id);
    expect(row!.role).toBe('admin');
  });
});
