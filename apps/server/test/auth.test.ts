import { CloseCode, PROTOCOL_VERSION } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ authTimeoutMs: 300 });
});
afterAll(() => server.destroy());

describe('authentication', () => {
  it('refuses an unknown token with auth_error and closes with 4001', async () => {
    const peer = await Peer.open(server.wsUrl);
    peer.send('auth', { token: 'not-a-real-token' }, 'a1');
    const error = await peer.next('auth_error');
    expect(error.payload.code).toBe('invalid_token');
    expect(error.id).toBe('a1');
    expect(await peer.closed).toBe(CloseCode.AuthFailed);
  });

  it('closes with 4003 when the first frame is not auth', async () => {
    const peer = await Peer.open(server.wsUrl);
    peer.send('send_message', { conversation_id: 1, content: 'hi', client_id: 'c' });
    expect((await peer.next('auth_error')).payload.code).toBe('auth_required');
    expect(await peer.closed).toBe(CloseCode.AuthRequired);
  });

  it('closes with 4003 when the first frame is not even JSON', async () => {
    const peer = await Peer.open(server.wsUrl);
    peer.sendRaw('{oops');
    expect((await peer.next('auth_error')).payload.code).toBe('auth_required');
    expect(await peer.closed).toBe(CloseCode.AuthRequired);
  });

  it('closes with 4002 when no auth arrives in time', async () => {
    const peer = await Peer.open(server.wsUrl);
    expect((await peer.next('auth_error')).payload.code).toBe('auth_timeout');
    expect(await peer.closed).toBe(CloseCode.AuthTimeout);
  });

  it('sends auth_ok with the user, conversations, everyone and who is online', async () => {
    const alice = await server.join('alice');
    const bob = await server.join('bob');
    const bobPeer = await Peer.signIn(server.wsUrl, bob.token);
    // online_users is who everyone has been told is online: wait for the news that Bob is.
    await bobPeer.next('user_online', (e) => e.payload.user.id === bob.user.id);
    const peer = await Peer.open(server.wsUrl);
    const ok = await peer.request('auth', { token: alice.token });
    if (ok.type !== 'auth_ok') throw new Error(ok.type);
    expect(ok.payload.user).toEqual(alice.user);
    expect(ok.payload.conversations.map((c) => c.type)).toEqual(['lobby']);
    expect(ok.payload.conversations[0]!.members).toEqual([]);
    expect(ok.payload.users).toEqual(expect.arrayContaining([alice.user, bob.user]));
    expect(ok.payload.online_users).toEqual(expect.arrayContaining([alice.user, bob.user]));
    expect(ok.payload.last_message_id).toBe(0);
    expect(ok.payload.protocol_version).toBe(PROTOCOL_VERSION);
    // Two users joined: two changes, and auth_ok is as of the newest.
    expect(ok.payload.cursor).toBe(2);
    const again = await peer.request('auth', { token: alice.token });
    expect(again.type === 'error' && again.payload.code).toBe('already_authenticated');
    await Promise.all([peer.close(), bobPeer.close()]);
  });

  it('refuses a WebSocket from another site but accepts bots without an Origin and the own origin', async () => {
    await expect(Peer.open(server.wsUrl, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const own = await Peer.open(server.wsUrl, { Origin: server.publicUrl });
    const bot = await Peer.open(server.wsUrl);
    await Promise.all([own.close(), bot.close()]);
  });
});
