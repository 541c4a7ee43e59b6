import { MAX_GROUP_MEMBERS } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
type Joined = Awaited<ReturnType<TestServer['join']>>;
let alice: Joined, bob: Joined, carol: Joined, dave: Joined;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol, dave] = [await server.join('alice'), await server.join('bob'), await server.join('carol'), await server.join('dave')];
});
afterAll(() => server.destroy());

describe('direct messages', () => {
  it('creates a DM once, tells both members, and returns the same DM when asked again from either side', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const created = await a.request('create_dm', { user_id: bob.user.id });
    if (created.type !== 'conversation_created') throw new Error(created.type);
    const dm = created.payload.conversation;
    expect(dm.type).toBe('dm');
    expect(dm.members.map((m) => m.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect((await b.next('conversation_created')).payload.conversation.id).toBe(dm.id);

    const again = await b.request('create_dm', { user_id: alice.user.id });
    expect(again.type === 'conversation_created' && again.payload.conversation.id).toBe(dm.id);

    const sent = await a.request('send_message', { conversation_id: dm.id, content: 'psst', client_id: 'dm1' });
    expect(sent.type).toBe('message');
    await b.next('message', (e) => e.payload.conversation_id === dm.id);
    await settle();
    expect(c.seen('message')).toHaveLength(0);
    expect(c.seen('conversation_created')).toHaveLength(0);

    const outsider = await c.request('load_history', { conversation_id: dm.id });
    expect(outsider.type === 'error' && outsider.payload.code).toBe('conversation_not_found');
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('refuses a DM with oneself and with an unknown user', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const self = await a.request('create_dm', { user_id: alice.user.id });
    expect(self.type === 'error' && self.payload.code).toBe('cannot_dm_self');
    const unknown = await a.request('create_dm', { user_id: 999_999 });
    expect(unknown.type === 'error' && unknown.payload.code).toBe('user_not_found');
    await a.close();
  });
});

describe('groups', () => {
  it('creates a group of the creator and the listed users, duplicates removed, announced to every member', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const d = await Peer.signIn(server.wsUrl, dave.token);
    const created = await a.request('create_group', { user_ids: [bob.user.id, carol.user.id, bob.user.id, alice.user.id] });
    if (created.type !== 'conversation_created') throw new Error(created.type);
    const group = created.payload.conversation;
    expect(group.type).toBe('group');
    expect(group.members.map((m) => m.id).sort()).toEqual([alice.user.id, bob.user.id, carol.user.id].sort());
    expect((await b.next('conversation_created')).payload.conversation.id).toBe(group.id);

    await a.request('send_message', { conversation_id: group.id, content: 'team', client_id: 'g1' });
    await b.next('message', (e) => e.payload.conversation_id === group.id);
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const ok = c.events.find((e) => e.type === 'auth_ok');
    expect(ok?.type === 'auth_ok' && ok.payload.conversations.some((conv) => conv.id === group.id)).toBe(true);
    await settle();
    expect(d.seen('conversation_created')).toHaveLength(0);
    const send = await d.request('send_message', { conversation_id: group.id, content: 'let me in', client_id: 'x' });
    expect(send.type === 'error' && send.payload.code).toBe('conversation_not_found');
    await Promise.all([a.close(), b.close(), c.close(), d.close()]);
  });

  it('refuses unknown users, a group of one, and a group over the size limit', async () => {
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const unknown = await a.request('create_group', { user_ids: [bob.user.id, 424_242] });
    expect(unknown.type === 'error' && unknown.payload.code).toBe('user_not_found');
    const alone = await a.request('create_group', { user_ids: [alice.user.id] });
    expect(alone.type === 'error' && alone.payload.code).toBe('group_too_small');
    const many = [];
    for (let i = 0; i < MAX_GROUP_MEMBERS; i++) many.push((await server.join(`member${i}`)).user.id);
    const big = await a.request('create_group', { user_ids: many });
    expect(big.type === 'error' && big.payload.code).toBe('group_too_large');
    const fits = await a.request('create_group', { user_ids: many.slice(0, MAX_GROUP_MEMBERS - 1) });
    expect(fits.type).toBe('conversation_created');
    await a.close();
  });
});
