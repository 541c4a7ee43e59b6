import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invitePath, signInPath } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { settle } from '../support/harness.js';
import { removeCluster, startMember, testBusUrl, type Member } from './support.js';

// Two server processes on one PostgreSQL database and one Redis, as behind a load balancer: one host's guesses at
// invite and sign-in codes draw on one budget, whichever process each lands on. Every request here comes from
// 127.0.0.1; the bursts are small and refill at one a minute, so nothing refills while a test runs.

const BURST = 3;
const LIMITS = ['--redeems-per-minute', '1', '--redeem-burst', String(BURST), '--invite-checks-per-minute', '1', '--invite-check-burst', String(BURST)];
const dir = mkdtempSync(join(tmpdir(), 'hearth-limits-'));
const busUrl = testBusUrl();
let db: TestDatabase;
let a: Member;
let b: Member;

beforeAll(async () => {
  db = await createPostgresDatabase(dir);
  a = await startMember(db, busUrl, LIMITS);
  b = await startMember(db, busUrl, LIMITS);
}, 60_000);

afterAll(() => removeCluster(db, busUrl, dir));

const redeem = (member: Member, code: string) =>
  fetch(`${member.url}${invitePath(code)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"nickname":"guesser"}' });
const signIn = (member: Member, code: string) =>
  fetch(`${member.url}${signInPath(code)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });

/** The status of each response, and every refusal's Retry-After in seconds. */
async function outcomes(responses: Array<() => Promise<Response>>): Promise<{ statuses: number[]; retryAfters: number[] }> {
  const statuses: number[] = [];
  const retryAfters: number[] = [];
  for (const send of responses) {
    const res = await send();
    statuses.push(res.status);
    if (res.status === 429) retryAfters.push(Number(res.headers.get('retry-after')));
    await res.body?.cancel();
  }
  return { statuses, retryAfters };
}

describe('per-address limits on two processes', () => {
  it('refuse redemptions from one address spread over both once the shared burst is spent, sign-ins with them', async () => {
    const { statuses, retryAfters } = await outcomes([
      () => redeem(a, 'guess1'),
      () => redeem(b, 'guess2'),
      () => redeem(a, 'guess3'),
      () => redeem(b, 'guess4'),
      () => redeem(a, 'guess5'),
      () => signIn(b, 'guess6'),
    ]);
    // Each process alone would have let all but the last through: it saw at most three.
    expect(statuses).toEqual([404, 404, 404, 429, 429, 429]);
    for (const seconds of retryAfters) expect(seconds).toBeGreaterThan(0);
  });

  it('refuse invite and sign-in link checks from one address spread over both once the shared burst is spent', async () => {
    const check = (member: Member, path: string) => () => fetch(`${member.url}${path}`);
    const { statuses, retryAfters } = await outcomes([
      check(a, invitePath('look1')),
      check(b, invitePath('look2')),
      check(b, signInPath('look3')),
      check(a, invitePath('look4')),
      check(b, invitePath('look5')),
      check(a, signInPath('look6')),
    ]);
    expect(statuses).toEqual([404, 404, 404, 429, 429, 429]);
    for (const seconds of retryAfters) expect(seconds).toBeGreaterThan(0);
  });

  it('count each process alone while Redis cannot be reached: neither refusing everyone nor letting everyone through', async () => {
    // A third process reaches Redis through a relay the test then cuts. The shared budget is spent by now, so what
    // it lets through after the cut comes from its own buckets.
    const relay = await relayTo(new URL(busUrl));
    const cut = await startMember(db, `redis://127.0.0.1:${relay.port}?prefix=${new URL(busUrl).searchParams.get('prefix')}`, LIMITS);
    expect((await redeem(cut, 'before')).status).toBe(429);
    await relay.cut();
    await settle(500);
    const { statuses } = await outcomes([1, 2, 3, 4].map((i) => () => redeem(cut, `after${i}`)));
    expect(statuses).toEqual([404, 404, 404, 429]);
    await cut.proc.waitFor(/counting this process alone/);
  });
});

/** A TCP relay to Redis that can be cut, as a network failure would. */
async function relayTo(target: URL): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
