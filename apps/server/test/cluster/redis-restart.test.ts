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
/** Each user's connection, spread over the processes, and where it is; open from the first test on. */
let peers: Array<{ peer: Peer; member: Member }> = [];

beforeAll(async () => {
  // Keyspace events tell the test when each process renews its hash's time to live: its heartbeat.
  redis = await PrivateRedis.start(['--notify-keyspace-events', 'Kg']);
  busUrl = `${redis.url}?prefix=${PREFIX}`;
  db = await createPostgresDatabase(dir);
  const extra = ['--heartbeat-ms', String(HEARTBEAT_MS), '--presence-news-ms', String(NEWS_MS)];
  const first = await startMember(db, busUrl, extra);
  members = [first, ...(await Promise.all([startMember(db, busUrl, extra), startMember(db, busUrl, extra)]))];
  const joined = await joinAll(first, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5']);
  users = joined.users;
  // Connected once for both tests: news of connections a test closed could otherwise reach the next one's.
  peers = await Promise.all(users.map(async (user, i) => ({ peer: await Peer.signIn(members[i % 3]!.wsUrl, user.token), member: members[i % 3]! })));
  const everyone = users.map((u) => u.user.id);
  await Promise.all(peers.map(({ peer }) => knowsOnline(peer, everyone)));
  // News of the connection that made the invites closing may still be on its way. A process tells what news it
  // holds before it delivers a change, and each process's news and changes travel on one channel in order: once
  // every client has heard a message from each process, every earlier piece of news has been told.
  for (const [i, { peer }] of peers.entries()) await peer.request('send_message', { conversation_id: joined.lobbyId, content: 'here', client_id: `here-${i}` });
  await Promise.all(peers.map(({ peer }) => Promise.all(users.map((u) => peer.next('message', (e) => e.payload.user_id === u.user.id)))));
}, 60_000);

afterAll(async () => {
  for (const { peer } of peers) peer.socket.terminate();
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
    const from = peers.map(({ peer }) => peer.events.length);

    await redis.stop();
    await redis.start();
    const renewals = await watchRenewals();
    try {
      // Every process has written its hash again, and kept it up past a hash's time to live: a snapshot taken now
      // is whole, and what any snapshot before it showed has been told.
      await renewals.until(3, RENEWALS);
    } finally {
      renewals.stop();
    }

    const falseOffline = peers.flatMap(({ peer }, i) => offlineSince(peer, from[i]!));
    console.log(`after Redis restarted empty: ${falseOffline.length} user_offline frames for users who stayed connected`);
    expect(falseOffline).toEqual([]);
  }, 60_000);

  it('still takes the users of a process killed meanwhile offline, and nobody else', async () => {
    const p2 = members[2]!;
    // u0 is connected to p0 and, from now on, to p2 too, which is killed: u0 stays online.
    await Peer.signIn(p2.wsUrl, users[0]!.token);
    const watchers = peers.filter(({ member }) => member !== p2).map(({ peer }) => peer);
    const from = watchers.map((peer) => peer.events.length);
    const lost = peers.filter(({ member }) => member === p2).map(({ peer }) => peer.seen('auth_ok')[0]!.payload.user.id);
    expect(lost).toEqual([users[2]!.user.id, users[5]!.user.id]);

    await redis.stop();
    p2.proc.child.kill('SIGKILL');
    expect((await p2.proc.exited).signal).toBe('SIGKILL');
    await redis.start();
    const renewals = await watchRenewals();
    try {
      for (const [i, watcher] of watchers.entries()) {
        for (const id of lost) await watcher.waitFor((e) => e.type === 'user_offline' && e.payload.user_id === id && watcher.events.indexOf(e) >= from[i]!, 30_000);
      }
      await renewals.until(2, RENEWALS);
    } finally {
      renewals.stop();
    }

    for (const [i, watcher] of watchers.entries()) expect(offlineSince(watcher, from[i]!).sort()).toEqual([...lost].sort());
  }, 60_000);
});
