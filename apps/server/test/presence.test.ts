import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ heartbeatMs: 200 });
});
afterAll(() => server.destroy());

describe('presence', () => {
  it('announces a user once when the first tab opens and once when the last tab closes', async () => {
    const alice = await server.join('alice');
    const bob = await server.join('bob');
    const watcher = await Peer.signIn(server.wsUrl, bob.token);

    const tab1 = await Peer.signIn(server.wsUrl, alice.token);
    expect((await watcher.next('user_online')).payload.user).toEqual(alice.user);
    const tab2 = await Peer.signIn(server.wsUrl, alice.token);
    await tab1.close();
    await settle();
    expect(watcher.seen('user_online')).toHaveLength(1);
    expect(watcher.seen('user_offline')).toHaveLength(0);

    await tab2.close();
    expect((await watcher.next('user_offline')).payload.user_id).toBe(alice.user.id);
    await settle();
    expect(watcher.seen('user_offline')).toHaveLength(1);
    await watcher.close();
  });

  it('answers ping with pong under the request id', async () => {
    const carol = await server.join('carol');
    const peer = await Peer.signIn(server.wsUrl, carol.token);
    const pong = await peer.request('ping', {});
    expect(pong.type).toBe('pong');
    await peer.close();
  });

  it('drops a connection that stops answering heartbeats and announces the user offline', async () => {
    const dave = await server.join('dave');
    const erin = await server.join('erin');
    const watcher = await Peer.signIn(server.wsUrl, erin.token);
    const silent = await Peer.signIn(server.wsUrl, dave.token);
    await watcher.next('user_online', (e) => e.payload.user.id === dave.user.id);
    // A peer that vanished answers no pings: simulate by no longer answering them.
    silent.socket.pong = () => undefined;
    (silent.socket as unknown as { _receiver: { removeAllListeners(e: string): void } })._receiver.removeAllListeners('ping');
    silent.socket.removeAllListeners('ping');
    expect((await watcher.next('user_offline', (e) => e.payload.user_id === dave.user.id)).payload.user_id).toBe(dave.user.id);
    await watcher.close();
  });
});
