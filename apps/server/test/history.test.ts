import { CATCH_UP_PAGE_MAX, type Message } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, messagesIn, Peer, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
type Joined = Awaited<ReturnType<TestServer['join']>>;
let alice: Joined, bob: Joined, carol: Joined;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol] = [await server.join('alice'), await server.join('bob'), await server.join('carol')];
});
afterAll(() => server.destroy());

async function sendMany(peer: Peer, conversationId: number, count: number, prefix: string): Promise<Message[]> {
  const sent: Message[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await peer.request('send_message', { conversation_id: conversationId, content: `${prefix} ${i}`, client_id: `${prefix}-${i}` });
    if (reply.type !== 'message') throw new Error(JSON.stringify(reply));
    sent.push(reply.payload);
  }
  return sent;
}

describe('history', () => {
  it('pages back through messages with equal timestamps by id, oldest first, without gaps or repeats', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const ok = a.events[0];
    if (ok?.type !== 'auth_ok') throw new Error('no auth_ok');
    lobbyId = ok.payload.conversations[0]!.id;
    const sent = await sendMany(a, lobbyId, 120, 'h');
    expect(new Set(sent.map((m) => m.created_at)).size).toBeLessThan(sent.length);

    const seen: Message[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const reply = await a.request('load_history', before === undefined ? { conversation_id: lobbyId, limit: 50 } : { conversation_id: lobbyId, before, limit: 50 });
      if (reply.type !== 'history') throw new Error(reply.type);
      const ids = reply.payload.messages.map((m) => m.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      seen.unshift(...reply.payload.messages);
      pages += 1;
      if (!reply.payload.has_more) break;
      before = ids[0];
    }
    expect(pages).toBe(3);
    expect(seen.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    await a.close();
  });

  it('uses a default page size and refuses a limit over the maximum', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const page = await a.request('load_history', { conversation_id: lobbyId });
    expect(page.type === 'history' && page.payload.messages.length).toBe(50);
    const tooMany = await a.request('load_history', { conversation_id: lobbyId, limit: 1000 });
    expect(tooMany.type === 'error' && tooMany.payload.code).toBe('invalid_payload');
    expect(tooMany.type === 'error' && tooMany.payload.path).toBe('/payload/limit');
    await a.close();
  });
});

describe('catch-up after a dropped connection', () => {
  it('returns every missed message across conversations in order, paged and never capped, and nothing from others’ DMs', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const dmReply = await a.request('create_dm', { user_id: bob.user.id });
    if (dmReply.type !== 'conversation_created') throw new Error(dmReply.type);
    const dmId = dmReply.payload.conversation.id;
    const fresh = await Peer.signIn(server.wsUrl, alice.token);
    const ok = fresh.events[0];
    if (ok?.type !== 'auth_ok') throw new Error('no auth_ok');
    const cursor = ok.payload.cursor!;
    await Promise.all([a.close(), fresh.close()]);

    const b = await Peer.signIn(server.wsUrl, bob.token);
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const cdm = await c.request('create_dm', { user_id: bob.user.id });
    if (cdm.type !== 'conversation_created') throw new Error(cdm.type);
    const missed = [
      ...(await sendMany(b, lobbyId, CATCH_UP_PAGE_MAX + 100, 'lobby')),
      ...(await sendMany(b, dmId, 30, 'dm')),
    ];
    await sendMany(c, cdm.payload.conversation.id, 20, 'private');

    const back = await Peer.signIn(server.wsUrl, alice.token);
    const caught = await catchUp(back, cursor);
    expect(caught.pages).toBeGreaterThan(1);
    // Carol's DM with Bob was created and used while Alice was away: none of it reaches her.
    expect(caught.changes.map((c) => c.type)).toEqual(missed.map(() => 'message'));
    expect(messagesIn(caught.changes).map((m) => m.id)).toEqual(missed.map((m) => m.id));
    await Promise.all([b.close(), c.close(), back.close()]);
  });
});
