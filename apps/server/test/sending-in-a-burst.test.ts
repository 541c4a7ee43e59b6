import type { Message } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
type Joined = Awaited<ReturnType<TestServer['join']>>;
let alice: Joined, bob: Joined, carol: Joined, dave: Joined;
let lobbyId: number;
let groupId: number;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol, dave] = [await server.join('alice'), await server.join('bob'), await server.join('carol'), await server.join('dave')];
  const a = await Peer.signIn(server.wsUrl, alice.token);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const group = await a.request('create_group', { user_ids: [bob.user.id, dave.user.id] });
  if (group.type !== 'conversation_created') throw new Error(group.type);
  groupId = group.payload.conversation.id;
  await a.close();
});
afterAll(() => server.destroy());

interface StoredRow {
  id: number;
  user_id: number;
  client_id: string;
}

/** Rows whose client_id starts with a prefix, read straight from the database. */
const storedWith = (prefix: string) => server.db.all<StoredRow>('SELECT id, user_id, client_id FROM messages WHERE client_id LIKE ? ORDER BY id', `${prefix}%`);

/** Every message a peer heard, acknowledgements and deliveries alike. */
const heard = (peer: Peer): Message[] => peer.seen('message').map((e) => e.payload);
const acks = (peer: Peer) => peer.seen('message').filter((e) => e.id !== undefined);

describe('sends that arrive together', () => {
  it('are each acknowledged once, stored once in per-connection order, and heard once by every member', async () => {
    const each = 300;
    const senders = [
      { name: 'a1', peer: await Peer.signIn(server.wsUrl, alice.token) },
      { name: 'a2', peer: await Peer.signIn(server.wsUrl, alice.token) },
      { name: 'b', peer: await Peer.signIn(server.wsUrl, bob.token) },
      { name: 'c', peer: await Peer.signIn(server.wsUrl, carol.token) },
    ];
    const listener = await Peer.signIn(server.wsUrl, dave.token);

    // Nobody waits, so the server reads more than one transaction's worth at a time.
    for (let n = 0; n < each; n++) {
      for (const { name, peer } of senders) {
        peer.send('send_message', { conversation_id: lobbyId, content: `${name} says ${n}`, client_id: `burst-${name}-${n}` }, `${name}-${n}`);
      }
    }
    const lastIds = senders.map(({ name }) => `burst-${name}-${each - 1}`);
    for (const peer of [...senders.map((s) => s.peer), listener]) {
      for (const clientId of lastIds) await peer.next('message', (e) => e.payload.client_id === clientId);
    }
    await settle();

    const stored = await storedWith('burst-');
    expect(stored).toHaveLength(senders.length * each);
    expect(new Set(stored.map((r) => `${r.user_id}:${r.client_id}`)).size).toBe(stored.length);
    for (const { name, peer } of senders) {
      const replies = acks(peer);
      expect(replies.map((e) => e.id)).toEqual(Array.from({ length: each }, (_, n) => `${name}-${n}`));
      const ids = replies.map((e) => e.payload.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      for (const reply of replies) expect(stored.find((r) => r.id === reply.payload.id)?.client_id).toBe(reply.payload.client_id);
    }
    const everyId = stored.map((r) => r.id);
    for (const peer of [...senders.map((s) => s.peer), listener]) {
      expect(heard(peer).filter((m) => m.client_id.startsWith('burst-')).map((m) => m.id).sort((x, y) => x - y)).toEqual(everyId);
    }
    await Promise.all([...senders.map((s) => s.peer.close()), listener.close()]);
  });

  it('store a retry once even beside its original, and answer both requests with the stored message', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const otherTab = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    a.send('send_message', { conversation_id: lobbyId, content: 'only once', client_id: 'twice-1' }, 'first');
    a.send('send_message', { conversation_id: lobbyId, content: 'in between', client_id: 'twice-2' }, 'between');
    a.send('send_message', { conversation_id: lobbyId, content: 'only once', client_id: 'twice-1' }, 'retry');
    const first = await a.waitFor((e) => e.id === 'first');
    const retry = await a.waitFor((e) => e.id === 'retry');
    await b.next('message', (e) => e.payload.client_id === 'twice-2');
    await otherTab.next('message', (e) => e.payload.client_id === 'twice-2');
    await settle();

    if (first.type !== 'message' || retry.type !== 'message') throw new Error(`${first.type}, ${retry.type}`);
    expect(retry.payload).toEqual(first.payload);
    expect(await storedWith('twice-1')).toEqual([{ id: first.payload.id, user_id: alice.user.id, client_id: 'twice-1' }]);
    for (const peer of [b, otherTab]) expect(heard(peer).filter((m) => m.client_id === 'twice-1')).toEqual([first.payload]);
    expect(heard(a).filter((m) => m.client_id === 'twice-1')).toHaveLength(2);
    await Promise.all([a.close(), otherTab.close(), b.close()]);
  });

  it('refuse a send to a conversation the sender is not in with its error, and store the others', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    c.send('send_message', { conversation_id: lobbyId, content: 'hello', client_id: 'mixed-1' }, 'm1');
    c.send('send_message', { conversation_id: groupId, content: 'let me in', client_id: 'mixed-2' }, 'm2');
    c.send('send_message', { conversation_id: lobbyId, content: 'anyone?', client_id: 'mixed-3' }, 'm3');
    const replies = await Promise.all(['m1', 'm2', 'm3'].map((id) => c.waitFor((e) => e.id === id)));
    await b.next('message', (e) => e.payload.client_id === 'mixed-3');
    await settle();

    expect(replies.map((e) => e.type)).toEqual(['message', 'error', 'message']);
    expect(replies[1]!.type === 'error' && replies[1]!.payload.code).toBe('conversation_not_found');
    expect((await storedWith('mixed-')).map((r) => r.client_id)).toEqual(['mixed-1', 'mixed-3']);
    expect(heard(b).map((m) => m.client_id)).toEqual(['mixed-1', 'mixed-3']);
    await Promise.all([c.close(), b.close()]);
  });

  it('all get internal_error when their transaction fails, none is stored, and a retry afterwards is stored once', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    // A real database failure in the middle of the batch, after the first row was inserted, that ends the transaction
    // (a row refused with the transaction still open fails alone: test/hardening/batch.test.ts).
    const allow = await server.db.refuseMessages('boom', 'transaction');
    const sends = [
      { conversation_id: lobbyId, content: 'before', client_id: 'failed-1' },
      { conversation_id: lobbyId, content: 'boom', client_id: 'failed-2' },
      { conversation_id: lobbyId, content: 'after', client_id: 'failed-3' },
    ];
    sends.forEach((payload, i) => a.send('send_message', payload, `f${i}`));
    const replies = await Promise.all(sends.map((_, i) => a.waitFor((e) => e.id === `f${i}`)));
    expect(replies.map((e) => e.type === 'error' && e.payload.code)).toEqual(['internal_error', 'internal_error', 'internal_error']);
    expect(await storedWith('failed-')).toEqual([]);

    await allow();
    for (const payload of sends) expect((await a.request('send_message', payload)).type).toBe('message');
    await b.next('message', (e) => e.payload.client_id === 'failed-3');
    await settle();
    expect((await storedWith('failed-')).map((r) => r.client_id)).toEqual(['failed-1', 'failed-2', 'failed-3']);
    expect(heard(b).map((m) => m.client_id)).toEqual(['failed-1', 'failed-2', 'failed-3']);
    await Promise.all([a.close(), b.close()]);
  });

  it('are answered in request order when other requests follow them in the same turn', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const send = (n: number) => ({ type: 'send_message', payload: { conversation_id: lobbyId, content: `in order ${n}`, client_id: `order-${n}` } });
    const requests = [
      { ...send(1), id: 'o1' },
      { ...send(2), id: 'o2' },
      { type: 'ping', payload: {}, id: 'o3' },
      { ...send(3), id: 'o4' },
      { type: 'load_history', payload: { conversation_id: lobbyId, limit: 3 }, id: 'o5' },
      { type: 'send_message', payload: { conversation_id: groupId, content: 'not mine', client_id: 'order-x' }, id: 'o6' },
      { ...send(4), id: 'o7' },
    ];
    // Written in one tick, so the server reads them together and the sends are still queued when the rest arrive.
    for (const r of requests) c.socket.send(JSON.stringify(r));
    await c.waitFor((e) => e.id === 'o7');
    const replies = c.events.filter((e) => e.id?.startsWith('o'));
    expect(replies.map((e) => `${e.id} ${e.type}`)).toEqual([
      'o1 message',
      'o2 message',
      'o3 pong',
      'o4 message',
      'o5 history',
      'o6 error',
      'o7 message',
    ]);
    const history = replies[4]!;
    if (history.type !== 'history') throw new Error(history.type);
    expect(history.payload.messages.map((m) => m.client_id)).toEqual(['order-1', 'order-2', 'order-3']);
    await c.close();
  });

  it('are stored and delivered to the others even when the sender hangs up before the commit', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    a.send('send_message', { conversation_id: lobbyId, content: 'bye', client_id: 'gone-1' }, 'g1');
    a.socket.terminate();
    const delivered = await b.next('message', (e) => e.payload.client_id === 'gone-1');
    expect(await storedWith('gone-')).toEqual([{ id: delivered.payload.id, user_id: alice.user.id, client_id: 'gone-1' }]);
    await b.close();
  });
});
