import { CHANGE_EVENT_TYPES, type ParseError, type ServerEventOf, type User } from '@hearth/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ChatClient, type ChatClientOptions, type Session } from '../src/index.js';
import { ALICE, BOB, LOBBY, messageChange, StubServer, type ChangeFrame, type StubOptions } from './support/stub-server.js';
import { until } from './support/wait.js';

// These run against a stub server that speaks protocol 2 as the change feed design has it, so each can hand the
// client exactly the frames, gaps and refusals it is about.

const DM = 5;
let stub: StubServer;
const clients: ChatClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await stub.close();
});

async function startStub(options: StubOptions = {}): Promise<StubServer> {
  stub = await StubServer.start(options);
  return stub;
}

/** A client of the stub, with every message delivered to it recorded by seq. */
function clientOfStub(options: Partial<ChatClientOptions> = {}) {
  const client = new ChatClient({ url: stub.wsUrl, token: 'stub-token', WebSocket, reconnect: { minDelayMs: 20, maxDelayMs: 100 }, ...options });
  clients.push(client);
  const delivered: number[] = [];
  const messages: ServerEventOf<'message'>[] = [];
  client.on('message', (event) => {
    delivered.push(event.seq!);
    messages.push(event);
  });
  const protocolErrors: ParseError[] = [];
  client.onProtocolError((error) => protocolErrors.push(error));
  return { client, delivered, messages, protocolErrors };
}

describe('the change feed', () => {
  it('a client that sees a gap in live numbers catches up and ends with nothing missing and nothing doubled', async () => {
    await startStub({
      log: [messageChange(1, 0), messageChange(2, 1)],
      pageSize: 2,
      beforeCatchUp: (_after, server) => {
        // Live changes race the repair's pages and must wait for them: 7 is in a later page too, 8 only live,
        // written before the last page, which was read before 8 was stored.
        if (server.catchUps.length === 2) server.publish(messageChange(7, 5, DM));
        if (server.catchUps.length === 4) {
          server.push(messageChange(8, 6));
          setImmediate(() => server.record(messageChange(8, 6)));
        }
      },
    });
    const { client, delivered } = clientOfStub();
    await client.connect();

    stub.publish(messageChange(3, 2));
    stub.record(messageChange(4, 3)); // never sent live: the gap
    stub.publish(messageChange(5, 0, DM));
    stub.publish(messageChange(6, 4));
    await until(() => client.cursor === 8, 'the repair');
    stub.publish(messageChange(9, 8));
    await until(() => client.cursor === 9, 'the live change after the repair');

    expect(delivered).toEqual([3, 5, 4, 6, 7, 8, 9]);
    // Signed in after 2, then one repair from the catch-up point, 2, a page at a time; no more were needed.
    expect(stub.catchUps).toEqual([2, 2, 4, 6]);
    expect(client.state).toBe('online');
  });

  it('a catch-up page refused as too fast is asked for again after the wait the server names, on the same connection', async () => {
    await startStub({
      log: [messageChange(1, 0), messageChange(2, 1), messageChange(3, 2), messageChange(4, 3)],
      pageSize: 2,
      tooFast: (_after, server) => (server.catchUps.length === 2 ? 30 : undefined),
    });
    const { client, delivered } = clientOfStub({ cursor: 0 });
    await client.connect();
    await until(() => client.cursor === 4, 'the catch-up');

    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(stub.catchUps).toEqual([0, 2, 2]);
    expect(stub.signIns).toBe(1);
  });

  it('delivers every type of change once, whether it came by catch-up, live, or both', async () => {
    const dm = { id: DM, type: 'dm' as const, members: [ALICE, BOB], created_at: 1_767_225_700 };
    const carol = { id: 3, nickname: 'carol' };
    const changes: ChangeFrame[] = [
      { type: 'conversation_created', payload: { conversation: dm }, seq: 1, prev: 0, stream: `c${DM}` },
      messageChange(2, 1, DM),
      { type: 'user_joined', payload: { user: carol }, seq: 3, prev: 0, stream: 'all' },
      { type: 'message_updated', payload: { message: { ...messageChange(2, 1, DM).payload, reactions: [{ emoji: '👍', user_ids: [1] }] } }, seq: 4, prev: 2, stream: `c${DM}` },
      {
        type: 'member_state_updated',
        payload: { state: { conversation_id: DM, last_read_id: 2, unread: 0, mentions: 0, notify: 'all' } },
        seq: 5,
        prev: 0,
        stream: `u${ALICE.id}`,
      },
      { type: 'user_updated', payload: { user: { ...carol, nickname: 'caroline' } }, seq: 6, prev: 3, stream: 'all' },
      { type: 'conversation_updated', payload: { conversation: { ...dm, type: 'group', title: 'Us', created_by: ALICE.id } }, seq: 7, prev: 4, stream: `c${DM}` },
    ];
    await startStub({ log: changes.slice(0, 2) });
    const { client } = clientOfStub({ cursor: 0 });
    const seen: string[] = [];
    for (const type of CHANGE_EVENT_TYPES) client.on(type, (event) => seen.push(`${event.type} ${event.seq}`));
    await client.connect();

    stub.publish(changes[2]!);
    stub.publish(changes[3]!);
    stub.publish(changes[4]!);
    stub.publish(changes[5]!);
    stub.publish(changes[6]!);
    for (const change of changes) stub.push(change);
    await client.ping();

    expect(seen).toEqual([
      'conversation_created 1',
      'message 2',
      'user_joined 3',
      'message_updated 4',
      'member_state_updated 5',
      'user_updated 6',
      'conversation_updated 7',
    ]);
    expect(new Set(changes.map((c) => c.type))).toEqual(new Set(CHANGE_EVENT_TYPES));
  });

  it('a client whose connection drops while it repairs a gap gets the missing change on the next one, once', async () => {
    await startStub({
      log: [messageChange(1, 0)],
      // The repair's catch-up arrives, and the connection goes before it is answered.
      beforeCatchUp: (_after, server) => server.catchUps.length === 2 && server.dropAll(),
    });
    const { client, delivered } = clientOfStub();
    await client.connect();
    const cursorsWhenDropped: (number | undefined)[] = [];
    client.onStateChange((state) => state === 'reconnecting' && cursorsWhenDropped.push(client.cursor));

    stub.publish(messageChange(2, 1));
    stub.record(messageChange(3, 2)); // never sent live: the gap
    stub.publish(messageChange(4, 0, DM));
    stub.publish(messageChange(5, 3));
    await until(() => client.cursor === 5, 'the repair on the next connection');

    expect(delivered).toEqual([2, 4, 3, 5]);
    // What an app kept at the drop would resume from below the gap, not from 4.
    expect(cursorsWhenDropped).toEqual([1]);
    // Signed in after 1, the repair from 1 cut short, then the next sign-in's catch-up from 1 again.
    expect(stub.catchUps).toEqual([1, 1, 1]);
    expect(client.state).toBe('online');
  });

  it('catches up after a reconnect from the newest change it delivered', async () => {
    await startStub({ log: [messageChange(1, 0)] });
    const { client, delivered } = clientOfStub();
    await client.connect();
    stub.publish(messageChange(2, 1));
    await until(() => client.cursor === 2, 'the live change');

    stub.dropAll();
    stub.record(messageChange(3, 2));
    stub.record(messageChange(4, 0, DM));
    await until(() => client.cursor === 4, 'the catch-up after reconnecting');

    expect(delivered).toEqual([2, 3, 4]);
    expect(stub.catchUps).toEqual([1, 2]);
  });

  it('starts from the cursor option, delivering every change after it', async () => {
    await startStub({ log: [messageChange(1, 0), messageChange(2, 1), messageChange(3, 0, DM)] });
    const { client, delivered } = clientOfStub({ cursor: 1 });

    await client.connect();

    expect(delivered).toEqual([2, 3]);
    expect(client.cursor).toBe(3);
  });

  it('delivers the sender its own acknowledged message once, and settles the send with it', async () => {
    await startStub({ log: [messageChange(1, 0)] });
    const { client, messages } = clientOfStub();
    await client.connect();

    const stored = await client.sendMessage(LOBBY.id, 'hello');
    // The same change again, as a page or a confused server might send it: already delivered.
    stub.push(stub.log.at(-1)!);
    await client.ping();

    expect(stored).toMatchObject({ content: 'hello', conversation_id: LOBBY.id });
    expect(messages.map((m) => m.payload)).toEqual([stored]);
    expect(messages[0]).toMatchObject({ seq: 2, prev: 1, stream: `c${LOBBY.id}` });
    expect(client.cursor).toBe(2);
  });

  it('settles a retried send answered with the stored message and without numbers, and does not deliver it again', async () => {
    await startStub();
    const { client, messages } = clientOfStub();
    await client.connect();

    const first = await client.sendMessage(LOBBY.id, 'once', { clientId: 'retry-me' });
    const again = await client.sendMessage(LOBBY.id, 'once', { clientId: 'retry-me' });
    await client.ping();

    expect(again).toEqual(first);
    expect(messages.map((m) => m.payload)).toEqual([first]);
    expect(stub.log).toHaveLength(1);
  });
});

describe('resync_required', () => {
  it('makes the client reload from its auth_ok, tell its listeners, and go on from the server cursor', async () => {
    await startStub({
      log: [messageChange(9, 0), messageChange(10, 9)],
      trimmedThrough: 8,
      // A live change arrives while the refused catch-up is under way.
      beforeCatchUp: (_after, server) => server.catchUps.length === 1 && server.publish(messageChange(11, 10)),
    });
    const { client, delivered } = clientOfStub({ cursor: 3 });
    const happenings: string[] = [];
    const resyncs: Session[] = [];
    const unsubscribed = client.onResync(() => happenings.push('unsubscribed listener'));
    unsubscribed();
    client.onResync((session) => {
      resyncs.push(session);
      happenings.push(`resync from ${session.cursor}`);
    });
    client.on('message', (event) => happenings.push(`message ${event.seq}`));

    await client.connect();

    expect(stub.catchUps).toEqual([3, 10]);
    expect(resyncs).toEqual([client.session]);
    expect(happenings).toEqual(['resync from 10', 'message 11']);
    expect(delivered).toEqual([11]);
    expect(client.cursor).toBe(11);
    expect(client.state).toBe('online');
  });
});

describe('tolerance', () => {
  it('skips and counts a frame with an unknown type, accepts fields it does not know, and reports neither', async () => {
    const poll: ChangeFrame = { type: 'poll_created', payload: { question: 'lunch?' }, seq: 2, prev: 1, stream: `c${LOBBY.id}` };
    await startStub({ log: [messageChange(1, 0), poll, messageChange(3, 2)] });
    const { client, delivered, protocolErrors } = clientOfStub({ cursor: 0 });
    const online: User[] = [];
    client.on('user_online', (event) => online.push(event.payload.user));
    await client.connect();
    expect(client.unknownEvents).toBe(1);

    const reaction = { type: 'reaction_added', payload: { emoji: '+1', message_id: 3 }, seq: 4, prev: 3, stream: `c${LOBBY.id}`, shard: 7 };
    stub.publish(reaction);
    stub.push({ type: 'shout', payload: { loud: true }, volume: 11 });
    stub.push({ type: 'user_online', payload: { user: { ...BOB, avatar: 'bob.png' }, since: 5 }, region: 'eu' });
    const plain = messageChange(5, 4);
    const extended = { ...plain, payload: { ...plain.payload, edited: false }, trace: 'abc' };
    stub.publish(extended);
    // The unknown change again: it was skipped once already.
    stub.push(reaction);
    await client.ping();

    expect(client.unknownEvents).toBe(3);
    expect(protocolErrors).toEqual([]);
    expect(delivered).toEqual([1, 3, 5]);
    expect(online).toEqual([{ ...BOB, avatar: 'bob.png' }]);
    // The skipped change still counts as seen, so the message after it is no gap.
    expect(stub.catchUps).toEqual([0]);
    expect(client.cursor).toBe(5);
  });

  it('reports a change that lacks its prev or stream and does not deliver it', async () => {
    await startStub();
    const { client, delivered, protocolErrors } = clientOfStub();
    await client.connect();

    const { stream: _stream, ...unstreamed } = messageChange(1, 0);
    stub.push(unstreamed);
    await client.ping();

    expect(protocolErrors.map((e) => [e.code, e.path])).toEqual([['invalid_payload', '/stream']]);
    expect(delivered).toEqual([]);
  });
});
