import { MAX_CONTENT_LENGTH } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let alice: { user: { id: number; nickname: string }; token: string };
let bob: typeof alice;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.join('alice');
  bob = await server.join('bob');
  const peer = await Peer.open(server.wsUrl);
  const ok = await peer.request('auth', { token: alice.token });
  if (ok.type !== 'auth_ok') throw new Error(ok.type);
  lobbyId = ok.payload.conversations[0]!.id;
  await peer.close();
});
afterAll(() => server.destroy());

describe('messaging in the lobby', () => {
  it('acknowledges the sender under its request id and delivers to everyone, the sender’s other tabs too', async () => {
    const a1 = await Peer.signIn(server.wsUrl, alice.token);
    const a2 = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);

    const reply = await a1.request('send_message', { conversation_id: lobbyId, content: '  hello bob  ', client_id: 'm1' });
    if (reply.type !== 'message') throw new Error(reply.type);
    expect(reply.payload).toMatchObject({ conversation_id: lobbyId, user_id: alice.user.id, content: 'hello bob', client_id: 'm1' });

    const atBob = await b.next('message', (e) => e.payload.id === reply.payload.id);
    const atTab = await a2.next('message', (e) => e.payload.id === reply.payload.id);
    expect(atBob.payload).toEqual(reply.payload);
    expect(atBob.id).toBeUndefined();
    expect(atTab.payload).toEqual(reply.payload);
    await settle();
    expect(a1.seen('message')).toHaveLength(1);
    await Promise.all([a1.close(), a2.close(), b.close()]);
  });

  it('an acknowledged message is in the database file', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const reply = await a.request('send_message', { conversation_id: lobbyId, content: 'durable', client_id: 'd1' });
    if (reply.type !== 'message') throw new Error(reply.type);
    const [row] = await server.db.all<{ content: string }>('SELECT content FROM messages WHERE id = ?', reply.payload.id);
    expect(row!.content).toBe('durable');
    await a.close();
  });

  it('a retry with the same client_id returns the stored message, stores nothing and announces nothing', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const first = await a.request('send_message', { conversation_id: lobbyId, content: 'once', client_id: 'retry-1' });
    const second = await a.request('send_message', { conversation_id: lobbyId, content: 'once', client_id: 'retry-1' });
    if (first.type !== 'message' || second.type !== 'message') throw new Error('expected messages');
    expect(second.payload).toEqual(first.payload);
    await settle();
    expect(b.seen('message').filter((e) => e.payload.client_id === 'retry-1')).toHaveLength(1);
    const history = await a.request('load_history', { conversation_id: lobbyId });
    if (history.type !== 'history') throw new Error(history.type);
    expect(history.payload.messages.filter((m) => m.client_id === 'retry-1')).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('the same client_id from two different users makes two messages', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const fromA = await a.request('send_message', { conversation_id: lobbyId, content: 'a', client_id: 'shared' });
    const fromB = await b.request('send_message', { conversation_id: lobbyId, content: 'b', client_id: 'shared' });
    if (fromA.type !== 'message' || fromB.type !== 'message') throw new Error('expected messages');
    expect(fromA.payload.id).not.toBe(fromB.payload.id);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses empty and over-long content with their codes and stores nothing', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const empty = await a.request('send_message', { conversation_id: lobbyId, content: ' \n\t ', client_id: 'e1' });
    expect(empty.type === 'error' && empty.payload.code).toBe('content_empty');
    const long = await a.request('send_message', { conversation_id: lobbyId, content: 'x'.repeat(MAX_CONTENT_LENGTH + 1), client_id: 'e2' });
    expect(long.type === 'error' && long.payload.code).toBe('content_too_long');
    const exact = await a.request('send_message', { conversation_id: lobbyId, content: 'x'.repeat(MAX_CONTENT_LENGTH), client_id: 'e3' });
    expect(exact.type).toBe('message');
    expect(await server.db.all("SELECT count(*) AS n FROM messages WHERE client_id IN ('e1', 'e2')")).toEqual([{ n: 0 }]);
    await a.close();
  });
});
