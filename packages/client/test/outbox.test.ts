import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingMessage } from '../src/index.js';
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

const aliceBehindTheNetwork = () => aliceBehind(chat, network.wsUrl);

describe('the outbox', () => {
  it('holds sends made while disconnected and delivers each once after reconnecting', async () => {
    const { alice, received, lobby } = await aliceBehindTheNetwork();
    const { client: bob } = await chat.connect('bob');
    const changes: (readonly PendingMessage[])[] = [];
    alice.onOutboxChange((pending) => changes.push(pending));
    network.cut();
    await until(() => alice.state === 'reconnecting', 'alice to notice');

    const sends = ['one', 'two', 'three'].map((text) => alice.sendMessage(lobby, text));
    expect(alice.pending.map((p) => p.content)).toEqual(['one', 'two', 'three']);
    await pause(200);
    expect(alice.pending).toHaveLength(3);
    network.heal();
    const stored = await Promise.all(sends);

    expect(stored.map((m) => m.content)).toEqual(['one', 'two', 'three']);
    expect(alice.pending).toEqual([]);
    expect(changes.map((pending) => pending.length)).toEqual([1, 2, 3, 2, 1, 0]);
    const history = await bob.loadHistory(lobby);
    expect(history.messages.map((m) => m.content)).toEqual(['one', 'two', 'three']);
    await until(() => received.length === 3, 'alice to see her own messages');
    expect(received.map((m) => m.id)).toEqual(stored.map((m) => m.id));
  });

  it('retries a send whose acknowledgement was lost under the same client_id, and the server stores it once', async () => {
    const { alice, received, lobby } = await aliceBehindTheNetwork();
    const { client: bob } = await chat.connect('bob');
    // The acknowledgement is the `message` frame that carries the request id back (next to the change's numbers).
    const ackLost = network.loseNext(/"type":"message".*"id":"r\d+"/);

    const sending = alice.sendMessage(lobby, 'exactly once');
    const [pending] = alice.pending;
    await ackLost;
    const stored = await sending;

    expect(stored.client_id).toBe(pending?.client_id);
    const history = await bob.loadHistory(lobby);
    expect(history.messages.filter((m) => m.content === 'exactly once')).toEqual([stored]);
    await until(() => received.length === 1, 'alice to see her message');
    await pause(100);
    expect(received).toEqual([stored]);
  });

  it('stores a retry under a client_id the app passes in only once', async () => {
    const { alice, lobby } = await aliceBehindTheNetwork();

    const first = await alice.sendMessage(lobby, 'hello', { clientId: 'retry-me' });
    const again = await alice.sendMessage(lobby, 'hello', { clientId: 'retry-me' });

    expect(again).toEqual(first);
    expect((await alice.loadHistory(lobby)).messages).toEqual([first]);
  });
});
