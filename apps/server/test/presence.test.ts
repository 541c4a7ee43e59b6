import type { User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';

// A long window, so that what happens inside one is certain to be gathered into the same news.
const WINDOW_MS = 600;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ heartbeatMs: 200, presenceNewsMs: WINDOW_MS });
});
afterAll(() => server.destroy());

/** How many times a peer has been told that a user came online, and went offline. */
const toldOnline = (peer: Peer, user: User) => peer.seen('user_online').filter((e) => e.payload.user.id === user.id).length;
const toldOffline = (peer: Peer, user: User) => peer.seen('user_offline').filter((e) => e.payload.user_id === user.id).length;
const hearsOnline = (peer: Peer, user: User) => peer.next('user_online', (e) => e.payload.user.id === user.id);
const hearsOffline = (peer: Peer, user: User) => peer.next('user_offline', (e) => e.payload.user_id === user.id);

async function watcher(name: string): Promise<Peer> {
  const member = await server.join(name);
  const peer = await Peer.signIn(server.wsUrl, member.token);
  await hearsOnline(peer, member.user);
  return peer;
}

describe('presence', () => {
  it('announces a user once when the first tab opens and once when the last tab closes', async () => {
    const alice = await server.join('alice');
    const bob = await watcher('bob');

    const tab1 = await Peer.signIn(server.wsUrl, alice.token);
    await hearsOnline(bob, alice.user);
    const tab2 = await Peer.signIn(server.wsUrl, alice.token);
    await tab1.close();
    await settle(WINDOW_MS * 2);
    expect(toldOnline(bob, alice.user)).toBe(1);
    expect(toldOffline(bob, alice.user)).toBe(0);

    await tab2.close();
    await hearsOffline(bob, alice.user);
    await settle(WINDOW_MS * 2);
    expect(toldOffline(bob, alice.user)).toBe(1);
    await bob.close();
  });

  it('tells a crowd signing in at once together, one design-note frame each, and a reload inside the window not at all', async () => {
    const carol = await watcher('carol');
    const crowd = await Promise.all(['dan', 'eve', 'fay', 'gus', 'hal'].map((name) => server.join(name)));
    const eventsBefore = carol.events.length;
    const tabs = await Promise.all(crowd.map((member) => Peer.signIn(server.wsUrl, member.token)));
    await Promise.all(crowd.map((member) => hearsOnline(carol, member.user)));
    const news = carol.events.slice(eventsBefore).filter((e) => e.type !== 'user_joined');
    expect(news.map((e) => e.type)).toEqual(crowd.map(() => 'user_online'));
    expect(news.map((e) => e.payload)).toEqual(expect.arrayContaining(crowd.map((m) => ({ user: m.user }))));

    const reloading = crowd[0]!;
    await tabs[0]!.close();
    const reloaded = await Peer.signIn(server.wsUrl, reloading.token);
    await settle(WINDOW_MS * 2);
    expect(toldOffline(carol, reloading.user)).toBe(0);
    expect(toldOnline(carol, reloading.user)).toBe(1);
    await Promise.all([carol, reloaded, ...tabs.slice(1)].map((peer) => peer.close()));
  });

  it('tells of a newcomer before their first message, and lists them in their own auth_ok', async () => {
    const ivy = await watcher('ivy');
    const jon = await server.join('jon');
    const peer = await Peer.signIn(server.wsUrl, jon.token);
    expect(peer.seen('auth_ok')[0]!.payload.online_users).toContainEqual(jon.user);
    const lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    await peer.request('send_message', { conversation_id: lobbyId, content: 'hi all', client_id: 'jon-1' });
    const message = await ivy.next('message', (e) => e.payload.user_id === jon.user.id);
    const order = ivy.events.filter((e) => e === message || (e.type === 'user_online' && e.payload.user.id === jon.user.id));
    expect(order.map((e) => e.type)).toEqual(['user_online', 'message']);
    await Promise.all([ivy.close(), peer.close()]);
  });

  it('answers ping with pong under the request id', async () => {
    const kim = await server.join('kim');
    const peer = await Peer.signIn(server.wsUrl, kim.token);
    const pong = await peer.request('ping', {});
    expect(pong.type).toBe('pong');
    await peer.close();
  });

  it('drops a connection that stops answering heartbeats and announces the user offline', async () => {
    const lee = await server.join('lee');
    const mae = await watcher('mae');
    const silent = await Peer.signIn(server.wsUrl, lee.token);
    await hearsOnline(mae, lee.user);
    // A peer that vanished answers no pings: simulate by no longer answering them.
    silent.socket.pong = () => undefined;
    (silent.socket as unknown as { _receiver: { removeAllListeners(e: string): void } })._receiver.removeAllListeners('ping');
    silent.socket.removeAllListeners('ping');
    await hearsOffline(mae, lee.user);
    await mae.close();
  });
});
