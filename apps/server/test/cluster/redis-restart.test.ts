import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerEvent } from '@hearth/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { Peer, settle } from '../support/harness.js';
import { PrivateRedis } from './private-redis.js';
import { joinAll, removeCluster, startMember, type Joined, type Member } from './support.js';

// Three server processes on one PostgreSQL database and a Redis of this test's own, which it stops and starts again
// empty, as an operator restarting Redis (without persistence) would. Every process's hash of who is connected to it
// is gone; until each has written its own again, the others must not take it for dead.

const HEARTBEAT_MS = 2_000;
const NEWS_MS = 100;
const PREFIX = 'hearth-restart';
/** Renewals of each live process's hash waited for after a restart: two heartbeats, past a hash's time to live. */
const RENEWALS = 4;
const dir = mkdtempSync(join(tmpdir(), 'hearth-redis-restart-'));
let redis: PrivateRedis;
let busUrl: string;
let db: TestDatabase;
let members: Member[] = [];
let users: Joined[] = [];

beforeAll(async () => {
  // Keyspace events tell the test when each process renews its hash's time to live: its heartbeat.
  redis = await PrivateRedis.start(['--notify-keyspace-events', 'Kg']);
  busUrl = `${redis.url}?prefix=${PREFIX}`;
  db = await createPostgresDatabase(dir);
  const extra = ['--heartbeat-ms', String(HEARTBEAT_MS), '--presence-news-ms', String(NEWS_MS)];
  const first = await startMember(db, busUrl, extra);
  members = [first, ...(await Promise.all([startMember(db, busUrl, extra), startMember(db, busUrl, extra)]))];
  ({ users } = await joinAll(first, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5']));
}, 60_000);

afterAll(async () => {
  await removeCluster(db, busUrl, dir);
  await redis?.remove();
});

/**
 * Counts, per process hash, how often its time to live was renewed from now on. A fresh connection each time: one
 * that reconnected by itself after a restart would miss what came before it subscribed again.
 */
async function watchRenewals(): Promise<{ until(processes: number, times: number, timeoutMs?: number): Promise<void>; stop(): void }> {
  const subscriber = new Redis(redis.url);
  const renewals = new Map<string, number>();
  subscriber.on('pmessage', (_pattern: string, channel: string, event: string) => {
    if (event === 'expire') renewals.set(channel, (renewals.get(channel) ?? 0) + 1);
  });
  await subscriber.psubscribe(`__keyspace@0__:${PREFIX}:process:*`);
  return {
    async until(processes, times, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const done = () => [...renewals.values()].filter((n) => n >= times).length >= processes;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`renewals seen: ${JSON.stringify([...renewals])}`);
        await settle(50);
      }
    },
    stop: () => subscriber.disconnect(),
  };
}

/** Resolves once a peer has been told that every one of these users is online. */
async function knowsOnline(peer: Peer, ids: number[]): Promise<void> {
  for (const id of ids) {
    await peer.waitFor((e) => (e.type === 'auth_ok' && e.payload.online_users.some((u) => u.id === id)) || (e.type === 'user_online' && e.payload.user.id === id));
  }
}

/** The users a peer was told went offline, among the events it heard from `from` on. */
const offlineSince = (peer: Peer, from: number) =>
  peer.events.slice(from).flatMap((e: ServerEvent) => (e.type === 'user_offline' ? [e.payload.user_id] : []));

describe('a cluster whose Redis restarts empty', () => {
  it('tells nobody that people who stayed connected went offline', async () => {
    const [p0, p1, p2] = members as [Member, Member, Member];
    const where: Array<[Joined, Member]> = [
      [users[0]!, p0],
      [users[1]!, p1],
      [users[2]!, p2],
      [users[3]!, p0],
      [users[4]!, p1],
      [users[5]!, p2],
    ];
    const peers = await Promise.all(where.map(([user, member]) => Peer.signIn(member.wsUrl, user.token)));
    const everyone = users.map((u) => u.user.id);
    await Promise.all(peers.map((peer) => knowsOnline(peer, everyone)));
    const from = peers.map((peer) => peer.events.length);

    await redis.stop();
    await redis.start();
    const renewals = await watchRenewals();
    try {
      // Every process has written its hash again, and kept it up past a hash's time to live: a snapshot taken now
      // is whole, and any taken before it has been acted on.
      await renewals.until(3, RENEWALS);
    } finally {
      renewals.stop();
    }

    const falseOffline = peers.flatMap((peer, i) => offlineSince(peer, from[i]!));
    console.log(`after Redis restarted empty: ${falseOffline.length} user_offline frames for users who stayed connected`);
    expect(falseOffline).toEqual([]);
    await Promise.all(peers.map((peer) => peer.close()));
  }, 60_000);

  it('still takes the users of a process killed meanwhile offline, and nobody else', async () => {
    const [p0, p1, p2] = members as [Member, Member, Member];
    // u0 is connected to the process killed and to one that lives: u0 stays online.
    const where: Array<[Joined, Member]> = [
      [users[0]!, p0],
      [users[0]!, p2],
      [users[1]!, p1],
      [users[2]!, p2],
      [users[3]!, p0],
      [users[4]!, p1],
      [users[5]!, p2],
    ];
    const peers = await Promise.all(where.map(([user, member]) => Peer.signIn(member.wsUrl, user.token)));
    const everyone = users.map((u) => u.user.id);
    await Promise.all(peers.map((peer) => knowsOnline(peer, everyone)));
    const watchers = peers.filter((_, i) => where[i]![1] !== p2);
    const from = watchers.map((peer) => peer.events.length);

    await redis.stop();
    p2.proc.child.kill('SIGKILL');
    expect((await p2.proc.exited).signal).toBe('SIGKILL');
    await redis.start();
    const renewals = await watchRenewals();
    try {
      const lost = [users[2]!.user.id, users[5]!.user.id];
      for (const watcher of watchers) {
        for (const id of lost) await watcher.waitFor((e) => e.type === 'user_offline' && e.payload.user_id === id && watcher.events.indexOf(e) >= from[watchers.indexOf(watcher)]!, 30_000);
      }
      await renewals.until(2, RENEWALS);
    } finally {
      renewals.stop();
    }

    for (const [i, watcher] of watchers.entries()) expect(offlineSince(watcher, from[i]!).sort()).toEqual([users[2]!.user.id, users[5]!.user.id].sort());
    await Promise.all(watchers.map((peer) => peer.close()));
  }, 60_000);
});
