import { MAX_TOKEN_LENGTH, type Message, type ParseError, type ServerEventOf } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ChatError, type ClientState } from '../src/index.js';
import { lobbyOf, pause, TestChat, until } from './support/chat.js';
import { FlakyNetwork } from './support/network.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('ChatClient requests', () => {
  it('signs in, goes online and exposes the auth_ok payload as its session', async () => {
    const { user, token } = await chat.join('alice');
    const client = chat.client(token);
    const states: ClientState[] = [];
    client.onStateChange((state) => states.push(state));

    await client.connect();

    expect(states).toEqual(['connecting', 'authenticating', 'online']);
    expect(client.session?.user).toEqual(user);
    expect(client.session?.conversations[0]?.type).toBe('lobby');
    expect(client.session?.online_users.map((u) => u.id)).toContain(user.id);
  });

  it('refuses at once a token no server could accept, instead of reconnecting with it for ever', () => {
    for (const token of ['', 'x'.repeat(MAX_TOKEN_LENGTH + 1)]) {
      expect(() => chat.client(token)).toThrow(TypeError);
    }
    expect(() => chat.client('x'.repeat(MAX_TOKEN_LENGTH))).not.toThrow();
  });

  it('resolves concurrent requests each with its own reply', async () => {
    const { client: alice, user: aliceUser } = await chat.connect('alice');
    const { user: bob } = await chat.connect('bob');
    const { user: carol } = await chat.connect('carol');
    const lobby = lobbyOf(alice);

    const [dmBob, group, history, invite, , first, second, dmCarol] = await Promise.all([
      alice.createDm(bob.id),
      alice.createGroup([bob.id, carol.id]),
      alice.loadHistory(lobby, { limit: 5 }),
      alice.createInvite(),
      alice.ping(),
      alice.sendMessage(lobby, 'first'),
      alice.sendMessage(lobby, 'second'),
      alice.createDm(carol.id),
    ]);

    expect(dmBob.type).toBe('dm');
    expect(dmBob.members.map((m) => m.id).sort()).toEqual([aliceUser.id, bob.id].sort());
    expect(dmCarol.members.map((m) => m.id).sort()).toEqual([aliceUser.id, carol.id].sort());
    expect(group.type).toBe('group');
    expect(group.members).toHaveLength(3);
    expect(history).toMatchObject({ conversation_id: lobby, has_more: false });
    expect(invite.url).toBe(`${chat.server.publicUrl}/join/${invite.code}`);
    expect([first.content, second.content]).toEqual(['first', 'second']);
    expect(second.id).toBeGreaterThan(first.id);
  });

  it('rejects a refused request with the server error code', async () => {
    const { client, user } = await chat.connect('alice');

    await expect(client.sendMessage(999_999, 'hello?')).rejects.toMatchObject({ code: 'conversation_not_found' });
    await expect(client.createDm(user.id)).rejects.toMatchObject({ code: 'cannot_dm_self' });
    await expect(client.createDm(999_999)).rejects.toMatchObject({ code: 'user_not_found' });
    await expect(client.createGroup([user.id])).rejects.toMatchObject({ code: 'group_too_small' });
    await expect(client.loadHistory(999_999)).rejects.toBeInstanceOf(ChatError);
    expect(client.pending).toEqual([]);
  });

  it('refuses a send the server would refuse without sending it, with the same code', async () => {
    const { client } = await chat.connect('alice');
    const lobby = lobbyOf(client);

    await expect(client.sendMessage(lobby, 'x'.repeat(4001))).rejects.toMatchObject({ code: 'content_too_long' });
    await expect(client.sendMessage(lobby, '   ')).rejects.toMatchObject({ code: 'content_empty' });
    await expect(client.loadHistory(lobby, { limit: 1000 })).rejects.toMatchObject({
      code: 'invalid_payload',
      path: '/payload/limit',
    });
    expect((await client.loadHistory(lobby)).messages).toEqual([]);
  });

  it('delivers messages to subscribers, its own included, and stops after unsubscribing', async () => {
    const { client: alice } = await chat.connect('alice');
    const { client: bob } = await chat.connect('bob');
    const lobby = lobbyOf(alice);
    const seen: Message[] = [];
    const unsubscribe = alice.on('message', (event) => seen.push(event.payload));

    await alice.sendMessage(lobby, 'mine');
    await bob.sendMessage(lobby, 'theirs');
    await until(() => seen.length === 2, 'two messages');
    unsubscribe();
    await bob.sendMessage(lobby, 'unheard');
    await pause(100);

    expect(seen.map((m) => m.content)).toEqual(['mine', 'theirs']);
  });

  it('rejects a request that gets no reply in time with timeout', async () => {
    const network = await FlakyNetwork.start(chat.server.port);
    const { token } = await chat.join('alice');
    const client = chat.client(token, { url: network.wsUrl, requestTimeoutMs: 300, heartbeatMs: 60_000 });
    await client.connect();

    network.stall();
    const started = Date.now();
    await expect(client.createInvite()).rejects.toMatchObject({ code: 'timeout' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await network.close();
  });
});

describe('a send that gets no reply in time', () => {
  it('is never failed: the client reconnects and the send is stored and delivered once', async () => {
    const network = await FlakyNetwork.start(chat.server.port);
    const { token } = await chat.join('alice');
    const client = chat.client(token, { url: network.wsUrl, requestTimeoutMs: 300, heartbeatMs: 60_000 });
    const heard: string[] = [];
    client.on('message', ({ payload }) => heard.push(payload.content));
    await client.connect();
    const lobby = client.session!.conversations.find((c) => c.type === 'lobby')!.id;

    network.stall();
    let outcome: string | undefined;
    const sent = client.sendMessage(lobby, 'sent into a dead link').then(
      (message) => (outcome = `stored ${message.id}`),
      (error: { code: string }) => (outcome = `failed ${error.code}`),
    );
    const states: ClientState[] = [];
    client.onStateChange((state) => states.push(state));
    expect(client.pending.map((m) => m.content)).toEqual(['sent into a dead link']);
    await sent;

    expect(outcome).toMatch(/^stored \d+$/);
    expect(states).toContain('reconnecting');
    expect(client.pending).toEqual([]);
    expect(heard.filter((content) => content === 'sent into a dead link')).toHaveLength(1);
    const { token: bobToken } = await chat.join('bob');
    const bob = chat.client(bobToken);
    await bob.connect();
    const history = await bob.loadHistory(lobby);
    expect(history.messages.filter((m) => m.content === 'sent into a dead link')).toHaveLength(1);
    bob.close();
    await network.close();
  });
});

describe('ChatClient frames', () => {
  it('reports a frame that does not fit the protocol and does not dispatch it, and skips one of an unknown type', async () => {
    const network = await FlakyNetwork.start(chat.server.port);
    const { token } = await chat.join('alice');
    const client = chat.client(token, { url: network.wsUrl });
    const errors: ParseError[] = [];
    const messages: unknown[] = [];
    client.onProtocolError((error) => errors.push(error));
    client.on('message', (event) => messages.push(event));
    await client.connect();

    network.inject('{"type":"message","payload":{"id":"one"}}');
    network.inject('this is not json');
    network.inject('{"type":"shout","payload":{},"volume":11}');
    await until(() => errors.length === 2 && client.unknownEvents === 1, 'two protocol errors and a skipped frame');
    await pause(50);

    expect(errors.map((e) => e.code)).toEqual(['invalid_payload', 'invalid_json']);
    expect(client.unknownEvents).toBe(1);
    expect(messages).toEqual([]);
    await expect(client.ping()).resolves.toBeUndefined();
    expect(client.state).toBe('online');
    await network.close();
  });
});

describe('ChatClient refusal', () => {
  it('stops for good when the token is refused and surfaces the auth_error', async () => {
    const client = chat.client('not-a-real-token');
    const authErrors: ServerEventOf<'auth_error'>[] = [];
    const states: ClientState[] = [];
    client.on('auth_error', (event) => authErrors.push(event));
    client.onStateChange((state) => states.push(state));

    await expect(client.connect()).rejects.toMatchObject({ code: 'invalid_token' });
    await pause(300);

    expect(authErrors.map((e) => e.payload.code)).toEqual(['invalid_token']);
    expect(states).toEqual(['connecting', 'authenticating', 'closed']);
    await expect(client.sendMessage(1, 'too late')).rejects.toMatchObject({ code: 'closed' });
  });

  it('rejects what is waiting when closed', async () => {
    const { client } = await chat.connect('alice');
    await chat.stop();
    await until(() => client.state === 'reconnecting', 'reconnecting');
    const queued = client.sendMessage(lobbyOf(client), 'never sent');

    client.close();

    await expect(queued).rejects.toMatchObject({ code: 'closed' });
    await expect(client.ping()).rejects.toMatchObject({ code: 'closed' });
    expect(client.state).toBe('closed');
    expect(client.pending).toEqual([]);
  });

  it('refuses to connect again once closed, saying why it closed', async () => {
    const { client } = await chat.connect('alice');
    client.close();

    await expect(client.connect()).rejects.toMatchObject({ code: 'closed' });
    expect(client.state).toBe('closed');
  });
});

describe('a full pool of connections not signed in yet', () => {
  it('is passed by a client, which shows its token in the upgrade, while raw sockets from its own address hold their share', async () => {
    const full = await TestChat.start({ maxUnauthenticatedPerAddress: 4, authTimeoutMs: 60_000 });
    const { token } = await full.join('ada');
    const held = await Promise.all(
      Array.from({ length: 4 }, () => new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(full.server.wsUrl);
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      })),
    );
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(full.server.wsUrl);
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
    });
    expect(refused).toBe(503);
    const client = full.client(token);
    await client.connect();
    expect(client.state).toBe('online');
    for (const socket of held) socket.terminate();
    await full.destroy();
  });
});
