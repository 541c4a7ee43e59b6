import type { ChangeEvent } from '@hearth/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Messages } from '../../src/store/messages.js';
import { catchUp, Peer, settle, startTestServer, type TestServer } from '../support/harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.destroy();
  server = undefined;
});

/**
 * Changes the database behind the server's back, as an operator's script or a bad migration might. The server
 * enforces foreign keys; this connection does not, so the row goes even though others point at it.
 */
const tamper = (sql: string, ...params: unknown[]) => server!.db.run(sql, params, { unchecked: true });

/**
 * The server runs in this process: blocking the event loop for a moment lets every frame sent before it reach the
 * server's sockets, so the next turn reads them all and the send queue stores them in one transaction.
 */
function holdTheLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/** Batch sizes the store was asked to append, in order. */
function watchBatches(): number[] {
  const sizes: number[] = [];
  const messages = Messages.prototype;
  const append = messages.append;
  vi.spyOn(messages, 'append').mockImplementation(function (this: Messages, batch) {
    sizes.push(batch.length);
    return append.call(this, batch);
  });
  return sizes;
}

/** Every change in a stream names the one before it, so a client sees no gap. */
function expectUnbroken(changes: readonly ChangeEvent[]): void {
  const tips = new Map<string | undefined, number | undefined>();
  for (const { seq, prev, stream } of changes) {
    expect(seq).toBeGreaterThan(0);
    if (tips.has(stream)) expect(prev).toBe(tips.get(stream));
    tips.set(stream, seq);
  }
}

describe('a send that cannot be stored', () => {
  it('fails alone when its sender was deleted: the 19 others in the same transaction are stored, heard and acknowledged', async () => {
    server = await startTestServer();
    const users = [];
    for (let i = 0; i < 20; i++) users.push(await server.join(`user${i}`));
    const listenerUser = await server.join('listener');
    // One at a time: more than 16 signing in at once from one address are refused (maxUnauthenticatedPerAddress).
    const peers = [];
    for (const u of users) peers.push(await Peer.signIn(server.wsUrl, u.token));
    const listener = await Peer.signIn(server.wsUrl, listenerUser.token);
    const lobbyId = listener.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const cursor = listener.seen('auth_ok')[0]!.payload.cursor ?? 0;
    const bad = 7;
    await tamper('DELETE FROM users WHERE id = ?', users[bad]!.user.id);
    const batches = watchBatches();

    peers.forEach((peer, i) => peer.send('send_message', { conversation_id: lobbyId, content: `from ${i}`, client_id: `turn-${i}` }, `s${i}`));
    holdTheLoop(100);
    const replies = await Promise.all(peers.map((peer, i) => peer.waitFor((e) => e.id === `s${i}`)));

    expect(batches).toEqual([20]);
    replies.forEach((reply, i) => {
      if (i === bad) {
        expect(reply.type === 'error' && reply.payload.code).toBe('internal_error');
      } else {
        expect(reply.type).toBe('message');
        expect(reply.type === 'message' && reply.payload.content).toBe(`from ${i}`);
      }
    });
    const rows = await server.db.all<{ user_id: number }>("SELECT user_id FROM messages WHERE client_id LIKE 'turn-%' ORDER BY id");
    expect(rows.map((r) => r.user_id)).toEqual(users.filter((_, i) => i !== bad).map((u) => u.user.id));

    // Everyone else heard the 19 as changes with no gap in their numbers, live and when caught up.
    await listener.waitFor(() => listener.seen('message').length === 19);
    const live = listener.seen('message') as ChangeEvent[];
    expectUnbroken(live);
    const changes = (await catchUp(listener, cursor)).changes.filter((c) => c.type === 'message');
    expect(changes.map((c) => c.seq)).toEqual(live.map((c) => c.seq));
    expectUnbroken(changes);

    // The server keeps running, and the next change follows on from the last one stored.
    expect((await listener.request('ping', {})).type).toBe('pong');
    const next = await peers[0]!.request('send_message', { conversation_id: lobbyId, content: 'after', client_id: 'after' });
    expect(next.type === 'message' && next.prev).toBe(live.at(-1)!.seq);
    await Promise.all([...peers, listener].map((p) => p.close()));
  });

  it('fails alone with conversation_not_found when its conversation row is gone', async () => {
    server = await startTestServer();
    const [alice, bob, carol] = [await server.join('alice'), await server.join('bob'), await server.join('carol')];
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const group = await a.request('create_group', { user_ids: [bob.user.id, carol.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    const groupId = group.payload.conversation.id;
    await tamper('DELETE FROM conversations WHERE id = ?', groupId);
    const batches = watchBatches();

    a.send('send_message', { conversation_id: lobbyId, content: 'lobby 1', client_id: 'l1' }, 'l1');
    b.send('send_message', { conversation_id: groupId, content: 'into the void', client_id: 'g1' }, 'g1');
    a.send('send_message', { conversation_id: lobbyId, content: 'lobby 2', client_id: 'l2' }, 'l2');
    holdTheLoop(50);
    const [l1, g1, l2] = await Promise.all([a.waitFor((e) => e.id === 'l1'), b.waitFor((e) => e.id === 'g1'), a.waitFor((e) => e.id === 'l2')]);

    expect(batches).toEqual([3]);
    expect(l1.type).toBe('message');
    expect(l2.type).toBe('message');
    expect(g1.type === 'error' && g1.payload.code).toBe('conversation_not_found');
    await settle();
    expect(b.seen('message').map((e) => e.payload.content)).toEqual(['lobby 1', 'lobby 2']);
    await Promise.all([a.close(), b.close()]);
  });

  it('fails alone when the database refuses its row for any other reason', async () => {
    server = await startTestServer();
    const alice = await server.join('alice');
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    await server.db.refuseMessages('refused', 'row');
    const batches = watchBatches();
    ['fine 1', 'refused', 'fine 2'].forEach((content, i) => a.send('send_message', { conversation_id: lobbyId, content, client_id: `q${i}` }, `q${i}`));
    holdTheLoop(20);
    const replies = await Promise.all([0, 1, 2].map((i) => a.waitFor((e) => e.id === `q${i}`)));

    expect(batches).toEqual([3]);
    expect(replies.map((e) => (e.type === 'error' ? e.payload.code : e.type))).toEqual(['message', 'internal_error', 'message']);
    expect(replies[2]!.type === 'message' && replies[2]!.prev).toBe(replies[0]!.type === 'message' && replies[0]!.seq);
    await a.close();
  });

  it('fails the whole batch when the refusal ends the transaction, storing none, and the log follows on after it', async () => {
    server = await startTestServer();
    const alice = await server.join('alice');
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const before = await a.request('send_message', { conversation_id: lobbyId, content: 'before', client_id: 'before' });
    await server.db.refuseMessages('doom', 'transaction');
    ['fine 1', 'doom', 'fine 2'].forEach((content, i) => a.send('send_message', { conversation_id: lobbyId, content, client_id: `d${i}` }, `d${i}`));
    holdTheLoop(20);
    const replies = await Promise.all([0, 1, 2].map((i) => a.waitFor((e) => e.id === `d${i}`)));

    expect(replies.map((e) => e.type === 'error' && e.payload.code)).toEqual(['internal_error', 'internal_error', 'internal_error']);
    expect(await server.db.all("SELECT count(*) AS n FROM messages WHERE client_id LIKE 'd%'")).toEqual([{ n: 0 }]);
    const after = await a.request('send_message', { conversation_id: lobbyId, content: 'after', client_id: 'after' });
    expect(after.type === 'message' && after.prev).toBe(before.type === 'message' && before.seq);
    await a.close();
  });
});
