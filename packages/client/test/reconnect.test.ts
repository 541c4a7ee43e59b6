import type { Message } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientState } from '../src/index.js';
import { aliceBehind, pause, TestChat, until } from './support/chat.js';
import { FlakyNetwork } from './support/network.js';

let chat: TestChat;
let network: FlakyNetwork;
beforeEach(async () => {
  chat = await TestChat.start();
  network = await FlakyNetwork.start(chat.server.port);
});
afterEach(async () => {
  await network.close();
  await chat.destroy();
});

/** Alice, behind the flaky network, recording every message delivered to her; Bob, connected directly. */
async function aliceAndBob() {
  const { alice, received, lobby } = await aliceBehind(chat, network.wsUrl);
  const { client: bob } = await chat.connect('bob');
  return { alice, bob, received, lobby };
}

const ids = (messages: Message[]) => messages.map((m) => m.id);

describe('reconnecting', () => {
  it('catches up after the server restarts on the same database, delivering each missed message once', async () => {
    const { alice, bob, received, lobby } = await aliceAndBob();
    let lastSeq: number | undefined;
    alice.on('message', (event) => (lastSeq = event.seq));
    await bob.sendMessage(lobby, 'before the restart');
    await until(() => received.length === 1, 'the first message');

    network.cut();
    await chat.restart();
    await until(() => alice.state === 'reconnecting', 'alice to notice');
    const missed = await Promise.all([1, 2, 3, 4, 5].map((n) => bob.sendMessage(lobby, `missed ${n}`)));
    network.heal();
    await until(() => alice.state === 'online', 'alice to come back');
    await bob.sendMessage(lobby, 'after the restart');
    await until(() => received.length >= 7, 'seven messages');
    await pause(100);

    expect(received.map((m) => m.content)).toEqual([
      'before the restart',
      ...missed.map((m) => m.content),
      'after the restart',
    ]);
    expect(new Set(ids(received)).size).toBe(received.length);
    // Every message came as a numbered change, and the cursor is the newest of them.
    expect(lastSeq).toEqual(expect.any(Number));
    expect(alice.cursor).toBe(lastSeq);
  });

  it('pages through a long catch-up while live messages arrive, delivering each message exactly once', async () => {
    const { alice, bob, received, lobby } = await aliceAndBob();
    network.cut();
    await until(() => alice.state === 'reconnecting', 'alice to notice');
    const missed = await Promise.all(Array.from({ length: 620 }, (_, n) => bob.sendMessage(lobby, `missed ${n}`)));
    // Live traffic starts the moment Alice is signed in again, so it races her catch-up pages.
    const live: Promise<Message>[] = [];
    alice.on('auth_ok', () => {
      for (let n = 0; n < 30; n++) live.push(bob.sendMessage(lobby, `live ${n}`));
    });
    network.heal();
    await until(() => live.length === 30 && alice.state === 'online', 'alice to come back');
    const sent = [...missed, ...(await Promise.all(live))];
    await until(() => received.length >= sent.length, 'every message');
    await pause(100);

    expect(received).toHaveLength(sent.length);
    expect(new Set(ids(received))).toEqual(new Set(ids(sent)));
  });

  it('starts a fresh client from the newest change, or from the cursor option when given', async () => {
    const { bob, lobby } = await aliceAndBob();
    // Bob's own acknowledgements come as changes too: that is where their numbers are.
    const seqOf = new Map<number, number>();
    bob.on('message', (event) => event.seq !== undefined && seqOf.set(event.payload.id, event.seq));
    const [first, second] = [await bob.sendMessage(lobby, 'one'), await bob.sendMessage(lobby, 'two')];
    const { user: carol, token } = await chat.join('carol');

    const fresh = chat.client(token);
    const heardByFresh: Message[] = [];
    fresh.on('message', (event) => heardByFresh.push(event.payload));
    const resumed = chat.client(token, { cursor: seqOf.get(first.id)! });
    const heardByResumed: Message[] = [];
    const joinedForResumed: number[] = [];
    resumed.on('message', (event) => heardByResumed.push(event.payload));
    resumed.on('user_joined', (event) => joinedForResumed.push(event.payload.user.id));
    await Promise.all([fresh.connect(), resumed.connect()]);

    expect(seqOf.get(first.id)).toEqual(expect.any(Number));
    expect(heardByFresh).toEqual([]);
    expect(heardByResumed.map((m) => m.id)).toEqual([second.id]);
    // Carol's own joining is the newest change, after Bob's two messages.
    expect(joinedForResumed).toEqual([carol.id]);
    expect(fresh.cursor).toBeGreaterThan(seqOf.get(second.id)!);
    expect(resumed.cursor).toBe(fresh.cursor);
  });

  it('drops a connection that goes silent and reconnects', async () => {
    const { token } = await chat.join('alice');
    const alice = chat.client(token, { url: network.wsUrl, heartbeatMs: 100, requestTimeoutMs: 300 });
    await alice.connect();
    const states: ClientState[] = [];
    alice.onStateChange((state) => states.push(state));

    network.stall();
    await until(() => states.at(-1) === 'online', 'alice to reconnect');

    expect(states).toEqual(['reconnecting', 'authenticating', 'online']);
    await expect(alice.ping()).resolves.toBeUndefined();
  });

  it('reconnects at once when told the network is back, without waiting out the backoff', async () => {
    const { token } = await chat.join('alice');
    const alice = chat.client(token, { url: network.wsUrl, reconnect: { minDelayMs: 20_000, maxDelayMs: 20_000 } });
    await alice.connect();
    network.cut();
    await until(() => alice.state === 'reconnecting', 'alice to notice');
    await pause(50);
    network.heal();
    const asked = Date.now();
    alice.reconnectNow();
    await until(() => alice.state === 'online', 'alice to be back');
    expect(Date.now() - asked).toBeLessThan(2_000);
    alice.close();
  });

  it('drops its connection at once when told the network is gone, then comes back by itself', async () => {
    const { token } = await chat.join('alice');
    const alice = chat.client(token, { url: network.wsUrl, reconnect: { minDelayMs: 10, maxDelayMs: 50 } });
    await alice.connect();
    const states: ClientState[] = [];
    alice.onStateChange((state) => states.push(state));
    alice.connectionLost();
    expect(states[0]).toBe('reconnecting');
    await until(() => alice.state === 'online', 'alice to be back');
    alice.close();
  });
});
