import { CATCH_UP_PAGE_MAX_BYTES, type ChangeEvent, type ServerEvent } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, messagesIn, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
type Joined = Awaited<ReturnType<TestServer['join']>>;
let alice: Joined, bob: Joined, carol: Joined;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol] = [await server.join('alice'), await server.join('bob'), await server.join('carol')];
  const peer = await Peer.signIn(server.wsUrl, alice.token);
  lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  await peer.close();
});
afterAll(() => server.destroy());

/** Sends many messages without waiting for each reply; resolves with the replies, which come in request order. */
async function sendBurst(peer: Peer, conversationId: number, count: number, prefix: string): Promise<ServerEvent[]> {
  for (let i = 0; i < count; i++) peer.send('send_message', { conversation_id: conversationId, content: `${prefix} ${i}`, client_id: `${prefix}-${i}` }, `${prefix}-${i}`);
  await peer.waitFor((e) => e.id === `${prefix}-${count - 1}`, 10_000);
  return peer.events.filter((e) => e.id?.startsWith(`${prefix}-`));
}

/** A change as a client compares it: what it says and its numbers, without the request id a reply carries. */
const comparable = ({ type, payload, seq, prev, stream }: ChangeEvent) => ({ type, payload, seq, prev, stream });
const liveChanges = (peer: Peer) => peer.events.filter((e): e is ChangeEvent => 'seq' in e && e.seq !== undefined).map(comparable);
const cursorOf = (peer: Peer) => peer.seen('auth_ok')[0]!.payload.cursor!;

describe('the change feed', () => {
  it('catches a client up on 1,000+ changes made while it was away, each once and in order, as a live tab heard them', async () => {
    const away = await Peer.signIn(server.wsUrl, alice.token);
    const cursor = cursorOf(away);
    await away.close();
    // Another tab of the same person stays online and hears every change live: catch-up must tell the same story.
    const live = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const c = await Peer.signIn(server.wsUrl, carol.token);

    await sendBurst(b, lobbyId, 600, 'lobby-b');
    const group = await b.request('create_group', { user_ids: [alice.user.id, carol.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    const groupId = group.payload.conversation.id;
    await sendBurst(c, groupId, 300, 'group-c');
    const dm = await c.request('create_dm', { user_id: bob.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    await sendBurst(c, dm.payload.conversation.id, 50, 'dm-c');
    const dave = await server.join('dave');
    await sendBurst(b, lobbyId, 200, 'lobby-b2');
    await settle();

    const back = await Peer.signIn(server.wsUrl, alice.token);
    const caught = await catchUp(back, cursor);
    const heard = liveChanges(live);
    expect(heard.length).toBeGreaterThan(1_000);
    expect(caught.changes.map(comparable)).toEqual(heard);
    expect(caught.pages).toBeGreaterThan(2);
    expect(new Set(caught.changes.map((change) => change.seq)).size).toBe(caught.changes.length);
    const seqs = caught.changes.map((change) => change.seq!);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    // The group made with Alice and the newcomer are in it; the DM between Bob and Carol is not.
    expect(caught.changes.filter((change) => change.type === 'conversation_created').map((change) => change.payload)).toEqual([{ conversation: group.payload.conversation }]);
    expect(caught.changes.filter((change) => change.type === 'user_joined').map((change) => change.payload)).toEqual([{ user: dave.user }]);
    expect(messagesIn(caught.changes).some((m) => m.conversation_id === dm.payload.conversation.id)).toBe(false);
    expect(caught.cursor).toBe(Math.max(...seqs));
    await Promise.all([live.close(), b.close(), c.close(), back.close()]);
  });

  it('gives someone added to a group while away the group and its messages through catch-up', async () => {
    const away = await Peer.signIn(server.wsUrl, carol.token);
    const cursor = cursorOf(away);
    await away.close();
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const group = await b.request('create_group', { user_ids: [carol.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    const sent = await sendBurst(b, group.payload.conversation.id, 3, 'added');

    const back = await Peer.signIn(server.wsUrl, carol.token);
    // Signing in tells the conversation with its newest message, for ordering by activity.
    expect(back.seen('auth_ok')[0]!.payload.conversations).toContainEqual({ ...group.payload.conversation, last_message_id: messagesIn(sent as ChangeEvent[]).at(-1)!.id });
    const caught = await catchUp(back, cursor);
    expect(caught.changes.map((change) => change.type)).toEqual(['conversation_created', 'message', 'message', 'message']);
    expect(caught.changes[0]!.payload).toEqual({ conversation: group.payload.conversation });
    expect(messagesIn(caught.changes)).toEqual(sent.map((e) => e.payload));
    await Promise.all([b.close(), back.close()]);
  });

  it('numbers every live change in its stream, and the sender hears its own change as the reply with the same numbers', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const dm = await a.request('create_dm', { user_id: bob.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const dmId = dm.payload.conversation.id;
    const replies = await sendBurst(a, dmId, 5, 'numbered');
    const pushed = await Promise.all(replies.map((reply) => b.next('message', (e) => reply.type === 'message' && e.payload.id === reply.payload.id)));

    expect(pushed.map(comparable)).toEqual(replies.map((reply) => comparable(reply as ChangeEvent)));
    expect(pushed.every((e) => e.stream === `c${dmId}` && e.id === undefined)).toBe(true);
    // Each change names the one before it in the same conversation, so a client can tell when one went missing.
    for (let i = 1; i < pushed.length; i++) expect(pushed[i]!.prev).toBe(pushed[i - 1]!.seq);
    await Promise.all([a.close(), b.close()]);
  });

  it('answers a retried send with the stored message and no new number, and tells nobody else', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const first = await a.request('send_message', { conversation_id: lobbyId, content: 'once', client_id: 'retry-1' });
    await b.next('message', (e) => e.payload.client_id === 'retry-1');
    const again = await a.request('send_message', { conversation_id: lobbyId, content: 'once', client_id: 'retry-1' });
    expect(again.type === 'message' && again.payload).toEqual(first.type === 'message' && first.payload);
    expect((again as { seq?: number }).seq).toBeUndefined();
    await settle();
    expect(b.seen('message').filter((e) => e.payload.client_id === 'retry-1')).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps a catch-up page within its byte budget, and always moves on by at least one change', async () => {
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const cursor = cursorOf(b);
    const big = 'x'.repeat(3_990);
    for (let i = 0; i < 150; i++) b.send('send_message', { conversation_id: lobbyId, content: `${big} ${i}`, client_id: `big-${i}` }, `big-${i}`);
    await b.waitFor((e) => e.id === 'big-149', 10_000);
    const page = await b.request('catch_up', { after: cursor, limit: 500 });
    if (page.type !== 'caught_up') throw new Error(page.type);
    expect(page.payload.has_more).toBe(true);
    expect(JSON.stringify(page.payload.changes).length).toBeLessThan(CATCH_UP_PAGE_MAX_BYTES + 5_000);
    expect(page.payload.cursor).toBe(page.payload.changes.at(-1)!.seq);
    const all = await catchUp(b, cursor, 500);
    expect(messagesIn(all.changes).map((m) => m.client_id)).toEqual(Array.from({ length: 150 }, (_, i) => `big-${i}`));
    await b.close();
  });

  it('refuses a cursor from the future with resync_required', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const reply = await a.request('catch_up', { after: cursorOf(a) + 1_000 });
    expect(reply.type === 'error' && reply.payload.code).toBe('resync_required');
    await a.close();
  });
});

describe('a trimmed change log', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ changeLogMaxRows: 20, changeLogTrimIntervalMs: 50 });
  });
  afterAll(() => small.destroy());

  it('answers a cursor older than what it keeps with resync_required, and catches up from a fresh auth_ok', async () => {
    const dana = await small.join('dana');
    const a = await Peer.signIn(small.wsUrl, dana.token);
    const lobby = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const oldCursor = cursorOf(a);
    await sendBurst(a, lobby, 60, 'trimmed');
    await settle(300);

    const refused = await a.request('catch_up', { after: oldCursor });
    expect(refused.type === 'error' && refused.payload.code).toBe('resync_required');
    const fresh = await Peer.signIn(small.wsUrl, dana.token);
    const caught = await catchUp(fresh, cursorOf(fresh));
    expect(caught.changes).toEqual([]);
    expect(caught.cursor).toBe(cursorOf(fresh));
    await Promise.all([a.close(), fresh.close()]);
  });
});
