import { afterEach, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer | undefined;
afterEach(() => server?.destroy());

async function say(peer: Peer, conversationId: number, content: string): Promise<number> {
  const reply = await peer.request('send_message', { conversation_id: conversationId, content, client_id: content });
  if (reply.type !== 'message') throw new Error(JSON.stringify(reply));
  return reply.payload.id;
}

describe('a server restarted on the same database', () => {
  it('gives every conversation its own newest message id, and a read marker reaches it', async () => {
    const first = await startTestServer();
    server = first;
    const [ann, ben] = [await first.join('ann'), await first.join('ben')];
    const b = await Peer.signIn(first.wsUrl, ben.token);
    const lobbyId = b.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const dm = await b.request('create_dm', { user_id: ann.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const dmId = dm.payload.conversation.id;
    // Interleaved, so that neither conversation's newest message is the newest of all.
    await say(b, dmId, 'dm one');
    await say(b, lobbyId, 'lobby one');
    const lastInDm = await say(b, dmId, 'dm two');
    const lastInLobby = await say(b, lobbyId, 'lobby two');
    await b.close();
    await first.close();

    server = await startTestServer({}, first);
    const a = await Peer.signIn(server.wsUrl, ann.token);
    const welcome = a.seen('auth_ok')[0]!.payload;
    const lastOf = (id: number) => welcome.conversations.find((c) => c.id === id)?.last_message_id;
    expect(lastOf(dmId)).toBe(lastInDm);
    expect(lastOf(lobbyId)).toBe(lastInLobby);
    expect(welcome.member_states?.find((s) => s.conversation_id === dmId)).toMatchObject({ unread: 2 });

    const read = await a.request('mark_read', { conversation_id: dmId, message_id: lastInDm });
    expect(read).toMatchObject({ type: 'member_state_updated', payload: { state: { conversation_id: dmId, last_read_id: lastInDm, unread: 0 } } });
    await a.close();
  });
});
