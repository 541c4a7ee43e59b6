import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { User } from '@hearth/protocol';
import { Redis } from 'ioredis';
import type { TestDatabase } from '../support/database.js';
import { Peer, redeem } from '../support/harness.js';
import { spawnServer, type ServerProcess } from '../support/process.js';

/** The Redis server cluster tests meet on; each run keeps to names of its own on it. */
const REDIS_URL = process.env.HEARTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A bus URL no other test shares: its own key prefix and channel. */
export function testBusUrl(): string {
  return `${REDIS_URL}?prefix=hearth-test-${randomBytes(6).toString('hex')}`;
}

/** Deletes what a test's processes left in Redis. */
export async function clearBus(busUrl: string): Promise<void> {
  const url = new URL(busUrl);
  const prefix = url.searchParams.get('prefix')!;
  url.searchParams.delete('prefix');
  const redis = new Redis(url.href);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** One server process of a cluster, as an operator starts it. */
export interface Member {
  proc: ServerProcess;
  url: string;
  wsUrl: string;
}

const started = new Set<ServerProcess>();

/** The address every process of a test cluster is reached at, as a load balancer would give it. */
export const PUBLIC_URL = 'http://chat.test';

/**
 * Starts the built server on the cluster's database and bus, and waits until it listens. Limits are out of the way:
 * these tests send far faster than people do.
 */
export async function startMember(db: TestDatabase, busUrl: string, extra: string[] = []): Promise<Member> {
  const limits = ['--requests-per-second', '10000', '--request-burst', '10000', '--sends-per-second-per-user', '10000', '--send-burst-per-user', '10000'];
  // Info-level logs tell the port; the processes share one public URL, so the banner does not.
  const proc = spawnServer(['--port', '0', ...db.args, '--bus', busUrl, '--public-url', PUBLIC_URL, ...limits, ...extra, '--log-level', 'info']);
  started.add(proc);
  const [, port] = await proc.waitFor(/"port":(\d+)[^\n]*"msg":"listening"/, 20_000);
  const url = `http://127.0.0.1:${port}`;
  return { proc, url, wsUrl: `${url.replace(/^http/, 'ws')}/ws` };
}

/** Someone who joined: who they are and their device's token. */
export interface Joined {
  user: User;
  token: string;
}

/**
 * The first user through the start-up invite, the rest through invites the first one makes; and the lobby they are
 * all in.
 */
export async function joinAll(member: Member, nicknames: string[]): Promise<{ users: Joined[]; lobbyId: number }> {
  const [, code] = await member.proc.waitFor(/Invite: \S+\/join\/(\S+)/);
  const users = [(await redeem(member.url, code!, nicknames[0]!)).body as Joined];
  const inviter = await Peer.signIn(member.wsUrl, users[0]!.token);
  const lobbyId = inviter.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  for (const nickname of nicknames.slice(1)) {
    const invite = await inviter.request('create_invite', {});
    if (invite.type !== 'invite_created') throw new Error(invite.type);
    users.push((await redeem(member.url, invite.payload.code, nickname)).body as Joined);
  }
  await inviter.close();
  return { users, lobbyId };
}

/** Kills every process a test started that is still running. */
export function killMembers(): void {
  for (const proc of started) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  started.clear();
}

/** Kills what a test started and removes its database, its names in Redis and its folder. */
export async function removeCluster(db: TestDatabase | undefined, busUrl: string, dir: string): Promise<void> {
  killMembers();
  await db?.drop();
  await clearBus(busUrl);
  rmSync(dir, { recursive: true, force: true });
}
