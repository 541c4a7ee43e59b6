import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode, ErrorCode, signInPath, type ServerEvent } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { eventually, Peer, settle, startTestServer, type TestServer } from '../support/harness.js';
import { clearBus, testBusUrl } from './support.js';

// Two server processes (here: two servers in the test's process) on one PostgreSQL database and one Redis, each with
// a bus of its own, as two machines behind a load balancer would be.

const HEARTBEAT_MS = 400;
const NEWS_MS = 50;
const dir = mkdtempSync(join(tmpdir(), 'hearth-bus-'));
const busUrl = testBusUrl();
let db: TestDatabase;
let a: TestServer;
let b: TestServer;
let ann: { user: { id: number }; token: string };
let ben: { user: { id: number }; token: string };
let cat: { user: { id: number }; token: string };

const options = {
  bus: busUrl,
  heartbeatMs: HEARTBEAT_MS,
  presenceNewsMs: NEWS_MS,
  maxConnectionsPerUser: 3,
  searchesPerSecondPerUser: 0.01,
  searchBurstPerUser: 4,
};

beforeAll(async () => {
  db = await createPostgresDatabase(dir);
  a = await startTestServer(options, { dir, db });
  b = await startTestServer(options, { dir, db });
  // The owner first, then two members; the second process hears of them by the bus.
  [ann, ben, cat] = [await a.join('ann'), await a.join('ben'), await b.join('cat')];
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
  await clearBus(busUrl);
  rmSync(dir, { recursive: true, force: true });
});

const seqs = (peer: Peer) => peer.events.flatMap((e) => ('seq' in e && typeof e.seq === 'number' ? [e.seq] : []));
const isAscending = (numbers: number[]) => numbers.every((n, i) => i === 0 || n > numbers[i - 1]!);
/** Resolves once a peer has been told that a user is online: in its auth_ok, or by the news after it. */
const knowsOnline = (peer: Peer, userId: number) =>
  peer.waitFor((e) => (e.type === 'auth_ok' && e.payload.online_users.some((u) => u.id === userId)) || (e.type === 'user_online' && e.payload.user.id === userId));
const reply = <T extends ServerEvent['type']>(event: ServerEvent, type: T) => {
  if (event.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(event)}`);
  return event as Extract<ServerEvent, { type: T }>;
};

describe('two processes on one bus', () => {
  it('deliver what either commits to members connected to the other, once and in seq order', async () => {
    const annOnA = await Peer.signIn(a.wsUrl, ann.token);
    const benOnB = await Peer.signIn(b.wsUrl, ben.token);
    const lobbyId = annOnA.seen('auth_ok')[0]!.payload.conversations[0]!.id;

    const dm = reply(await annOnA.request('create_dm', { user_id: ben.user.id }), 'conversation_created').payload.conversation;
    await benOnB.next('conversation_created', (e) => e.payload.conversation.id === dm.id);
    for (let i = 0; i < 20; i++) {
      annOnA.send('send_message', { conversation_id: i % 2 === 0 ? lobbyId : dm.id, content: `from a ${i}`, client_id: `a${i}` }, `a${i}`);
      benOnB.send('send_message', { conversation_id: i % 2 === 0 ? dm.id : lobbyId, content: `from b ${i}`, client_id: `b${i}` }, `b${i}`);
    }
    await annOnA.next('message', (e) => e.id === 'a19');
    await benOnB.next('message', (e) => e.id === 'b19');
    await settle(300);
    for (const peer of [annOnA, benOnB]) {
      const messages = peer.seen('message').map((e) => e.payload.client_id);
      expect(new Set(messages).size).toBe(40);
      expect(messages).toHaveLength(40);
      expect(isAscending(seqs(peer))).toBe(true);
    }
    await annOnA.close();
    await benOnB.close();
  });

  it('fill a change the bus never carried from the log before the next one', async () => {
    // A third server on the same database without the bus: what it commits is never published.
    const silent = await startTestServer({ presenceNewsMs: NEWS_MS }, { dir, db });
    try {
      const catOnA = await Peer.signIn(a.wsUrl, cat.token);
      const benOnB = await Peer.signIn(b.wsUrl, ben.token);
      const annOnSilent = await Peer.signIn(silent.wsUrl, ann.token);
      const lobbyId = catOnA.seen('auth_ok')[0]!.payload.conversations[0]!.id;
      const group = reply(await annOnSilent.request('create_group', { user_ids: [ben.user.id, cat.user.id] }), 'conversation_created');
      const unheard = reply(await annOnSilent.request('send_message', { conversation_id: group.payload.conversation.id, content: 'unheard', client_id: 'u1' }), 'message');
      const next = reply(await catOnA.request('send_message', { conversation_id: lobbyId, content: 'next', client_id: 'n1' }), 'message');
      for (const peer of [catOnA, benOnB]) {
        await peer.next('message', (e) => e.payload.content === 'next');
        const created = peer.seen('conversation_created').find((e) => e.payload.conversation.id === group.payload.conversation.id)!;
        const filled = peer.seen('message').find((e) => e.payload.content === 'unheard')!;
        expect(created.seq).toBe(group.seq);
        expect(filled.seq).toBe(unheard.seq);
        expect(filled.seq).toBeLessThan(next.seq!);
        expect(isAscending(seqs(peer))).toBe(true);
      }
      await catOnA.close();
      await benOnB.close();
      await annOnSilent.close();
    } finally {
      await silent.close();
    }
  });

  it('find a change the bus never carried in the log even when nothing follows it, within two heartbeats', async () => {
    const silent = await startTestServer({ presenceNewsMs: NEWS_MS }, { dir, db });
    try {
      const benOnB = await Peer.signIn(b.wsUrl, ben.token);
      const annOnSilent = await Peer.signIn(silent.wsUrl, ann.token);
      const lobbyId = benOnB.seen('auth_ok')[0]!.payload.conversations[0]!.id;
      const unheard = reply(await annOnSilent.request('send_message', { conversation_id: lobbyId, content: 'quiet', client_id: 'q1' }), 'message');
      const heard = (await benOnB.waitFor((e) => e.type === 'message' && e.payload.content === 'quiet', HEARTBEAT_MS * 3)) as ServerEvent & { seq?: number };
      expect(heard.seq).toBe(unheard.seq);
      await benOnB.close();
      await annOnSilent.close();
    } finally {
      await silent.close();
    }
  });

  it('show who is online on either process, once, and list them in a newcomer’s auth_ok', async () => {
    const benOnB = await Peer.signIn(b.wsUrl, ben.token);
    const annOnA = await Peer.signIn(a.wsUrl, ann.token);
    await benOnB.next('user_online', (e) => e.payload.user.id === ann.user.id);
    await knowsOnline(annOnA, ben.user.id);
    const catOnB = await Peer.signIn(b.wsUrl, cat.token);
    const listed = catOnB.seen('auth_ok')[0]!.payload.online_users.map((u) => u.id);
    expect(listed).toEqual(expect.arrayContaining([ann.user.id, ben.user.id, cat.user.id]));

    // A second tab on the other process is not news; closing the first is not either.
    const annOnB = await Peer.signIn(b.wsUrl, ann.token);
    await annOnA.close();
    await settle(NEWS_MS * 4);
    expect(benOnB.seen('user_online').filter((e) => e.payload.user.id === ann.user.id)).toHaveLength(1);
    expect(benOnB.seen('user_offline').filter((e) => e.payload.user_id === ann.user.id)).toHaveLength(0);
    await annOnB.close();
    await benOnB.next('user_offline', (e) => e.payload.user_id === ann.user.id);
    await settle(NEWS_MS * 4);
    expect(catOnB.seen('user_offline').filter((e) => e.payload.user_id === ann.user.id)).toHaveLength(1);
    await benOnB.close();
    await catOnB.close();
  });

  it('pass typing on to members connected to the other process', async () => {
    const annOnA = await Peer.signIn(a.wsUrl, ann.token);
    const benOnB = await Peer.signIn(b.wsUrl, ben.token);
    const lobbyId = annOnA.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    annOnA.send('typing', { conversation_id: lobbyId });
    const typing = await benOnB.next('user_typing');
    expect(typing.payload).toEqual({ conversation_id: lobbyId, user_id: ann.user.id });
    await annOnA.close();
    await benOnB.close();
  });

  it('pass on one typing notice per interval from someone typing on both processes', async () => {
    const [annOnA, annOnB] = [await Peer.signIn(a.wsUrl, ann.token), await Peer.signIn(b.wsUrl, ann.token)];
    const [benOnB, catOnA] = [await Peer.signIn(b.wsUrl, ben.token), await Peer.signIn(a.wsUrl, cat.token)];
    const group = reply(await annOnA.request('create_group', { user_ids: [ben.user.id, cat.user.id] }), 'conversation_created').payload.conversation;
    await benOnB.next('conversation_created', (e) => e.payload.conversation.id === group.id);
    await catOnA.next('conversation_created', (e) => e.payload.conversation.id === group.id);

    annOnA.send('typing', { conversation_id: group.id });
    await benOnB.next('user_typing');
    annOnB.send('typing', { conversation_id: group.id });
    await annOnB.request('ping', {});
    await settle(300);
    for (const watcher of [benOnB, catOnA]) expect(watcher.seen('user_typing').map((e) => e.payload)).toEqual([{ conversation_id: group.id, user_id: ann.user.id }]);
    await Promise.all([annOnA, annOnB, benOnB, catOnA].map((peer) => peer.close()));
  });

  it('tell everyone on the other process who may invite, once it changes', async () => {
    const annOnA = await Peer.signIn(a.wsUrl, ann.token);
    const benOnB = await Peer.signIn(b.wsUrl, ben.token);
    await annOnA.request('set_invite_policy', { policy: 'admins' });
    expect((await benOnB.next('invite_policy_updated')).payload).toEqual({ policy: 'admins' });
    expect(reply(await benOnB.request('create_invite', {}), 'error').payload.code).toBe(ErrorCode.Forbidden);
    await annOnA.request('set_invite_policy', { policy: 'everyone' });
    await benOnB.next('invite_policy_updated', (e) => e.payload.policy === 'everyone');
    await Promise.all([annOnA.close(), benOnB.close()]);
  });

  it('cap a user’s connections over both processes together', async () => {
    const open = [await Peer.signIn(a.wsUrl, cat.token), await Peer.signIn(b.wsUrl, cat.token), await Peer.signIn(a.wsUrl, cat.token)];
    const fourth = await Peer.open(b.wsUrl);
    fourth.send('auth', { token: cat.token }, 'x');
    expect((await fourth.next('auth_error')).payload.code).toBe(ErrorCode.TooManyConnections);
    expect(await fourth.closed).toBe(CloseCode.TooManyConnections);
    await open[0]!.close();
    // The other process hears of the closed connection by the bus; until then it still counts three.
    const again = await eventually(async () => {
      const peer = await Peer.open(b.wsUrl);
      if ((await peer.request('auth', { token: cat.token })).type === 'auth_ok') return peer;
      await peer.closed;
      return undefined;
    }, 'room for another connection');
    expect(again.seen('auth_ok')).toHaveLength(1);
    for (const peer of [...open.slice(1), again]) await peer.close();
  });

  it('hold a user’s search allowance over both processes together', async () => {
    const onA = await Peer.signIn(a.wsUrl, ben.token);
    const onB = await Peer.signIn(b.wsUrl, ben.token);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push((await (i % 2 === 0 ? onA : onB).request('search', { query: 'hello' })).type);
    expect(outcomes).toEqual(['search_results', 'search_results', 'search_results', 'search_results', 'error', 'error']);
    await onA.close();
    await onB.close();
  });

  it('close a revoked session’s connection and a deactivated user’s on the other process', async () => {
    const owner = await Peer.signIn(a.wsUrl, ann.token);
    const link = reply(await owner.request('create_sign_in_link', { user_id: cat.user.id }), 'sign_in_link');
    const res = await fetch(`${b.url}${signInPath(link.payload.code)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const second = (await res.json()) as { token: string };
    const catOnA = await Peer.signIn(a.wsUrl, cat.token);
    const catSecondOnB = await Peer.signIn(b.wsUrl, second.token);
    const sessionId = catSecondOnB.seen('auth_ok')[0]!.payload.session_id!;
    reply(await catOnA.request('revoke_session', { session_id: sessionId }), 'sessions');
    expect(await catSecondOnB.closed).toBe(CloseCode.SessionRevoked);
    expect(catOnA.closeCode).toBeNull();

    const catOnB = await Peer.signIn(b.wsUrl, cat.token);
    reply(await owner.request('deactivate_user', { user_id: cat.user.id }), 'user_updated');
    expect(await catOnB.closed).toBe(CloseCode.AccountDeactivated);
    expect(await catOnA.closed).toBe(CloseCode.AccountDeactivated);
    await owner.close();
  });
});
