import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { eventually, Peer } from '../support/harness.js';
import { get, sample, scrape } from '../support/metrics.js';
import { PrivateRedis } from './private-redis.js';
import { joinAll, removeCluster, startMember, type Joined, type Member } from './support.js';

// Two server processes on one PostgreSQL database and a Redis of this test's own, which it stops and starts again.

const HEARTBEAT_MS = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'hearth-readiness-'));
let redis: PrivateRedis;
let busUrl: string;
let db: TestDatabase;
let members: Member[] = [];
let users: Joined[] = [];
let lobbyId: number;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  busUrl = `${redis.url}?prefix=hearth-readiness`;
  db = await createPostgresDatabase(dir);
  const extra = ['--heartbeat-ms', String(HEARTBEAT_MS)];
  members = [await startMember(db, busUrl, extra), await startMember(db, busUrl, extra)];
  ({ users, lobbyId } = await joinAll(members[0]!, ['ann', 'ben']));
}, 60_000);

afterAll(async () => {
  await removeCluster(db, busUrl, dir);
  await redis?.remove();
});

/** A member's /readyz, status and body. */
async function readiness(member: Member): Promise<{ status: number; body: unknown }> {
  const answer = await get(`${member.url}/readyz`);
  return { status: answer.status, body: JSON.parse(answer.text) };
}

/** Resolves once every member's /readyz answers `status`, with that body. */
async function allAnswer(status: number): Promise<unknown[]> {
  return Promise.all(
    members.map((member) =>
      eventually(async () => {
        const now = await readiness(member);
        return now.status === status ? now.body : undefined;
      }, `${member.url}/readyz to answer ${status}`, 30_000),
    ),
  );
}

describe('a cluster on a Redis that goes away', () => {
  it('is ready while the bus is connected, and times what it publishes there', async () => {
    expect(await allAnswer(200)).toEqual([{ ok: true }, { ok: true }]);
    const ann = await Peer.signIn(members[0]!.wsUrl, users[0]!.token);
    const ben = await Peer.signIn(members[1]!.wsUrl, users[1]!.token);
    await ann.request('send_message', { conversation_id: lobbyId, content: 'over the bus', client_id: 'b1' });
    await ben.next('message', (e) => e.payload.content === 'over the bus');
    // The process that committed it hears its own publication back: that is the bus's transit time.
    const published = await eventually(async () => {
      const now = await scrape(members[0]!.url);
      return sample(now, 'hearth_bus_transit_seconds_count') >= 1 ? now : undefined;
    }, 'the transit of the change to be timed');
    expect(sample(published, 'hearth_bus_transit_seconds_sum')).toBeGreaterThan(0);
    expect(sample(published, 'hearth_bus_connected')).toBe(1);
    expect(sample(published, 'hearth_commit_delivery_seconds_count')).toBeGreaterThanOrEqual(1);
    await ann.close();
    await ben.close();
  });

  it('is not ready while Redis is down, delivers what the bus lost from the log, and is ready again once Redis is back', async () => {
    const ann = await Peer.signIn(members[0]!.wsUrl, users[0]!.token);
    const ben = await Peer.signIn(members[1]!.wsUrl, users[1]!.token);
    const fromLog = sample(await scrape(members[1]!.url), 'hearth_bus_changes_read_from_log_total');

    await redis.stop();
    expect(await allAnswer(503)).toEqual([
      { ok: false, reason: 'bus unreachable' },
      { ok: false, reason: 'bus unreachable' },
    ]);
    expect(sample(await scrape(members[0]!.url), 'hearth_bus_connected')).toBe(0);
    // Liveness does not follow the bus.
    expect((await get(`${members[0]!.url}/healthz`)).status).toBe(200);

    // Committed while the bus is down: the other process finds it in the log and counts it.
    await ann.request('send_message', { conversation_id: lobbyId, content: 'while Redis is down', client_id: 'b2' });
    await ben.next('message', (e) => e.payload.content === 'while Redis is down');
    expect(sample(await scrape(members[1]!.url), 'hearth_bus_changes_read_from_log_total')).toBeGreaterThan(fromLog);

    await redis.start();
    expect(await allAnswer(200)).toEqual([{ ok: true }, { ok: true }]);
    expect(sample(await scrape(members[0]!.url), 'hearth_bus_connected')).toBe(1);
    await ann.close();
    await ben.close();
  }, 60_000);
});
