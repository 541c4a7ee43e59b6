import { CloseCode, type ServerEvent } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, messagesIn, Peer, settle, startTestServer, type TestServer } from '../support/harness.js';

type Member = { user: { id: number; nickname: string }; token: string };

let server: TestServer;
let alice: Member, bob: Member, carol: Member, dave: Member;
let lobbyId: number, dmId: number, groupId: number;
/** Alice's message in each conversation, by conversation id. */
const secrets = new Map<number, number>();
const missingId = 987_654;

/** The requests about one message, with payloads that would be accepted from its sender. */
const messageRequests = (messageId: number): Array<[string, unknown]> => [
  ['add_reaction', { message_id: messageId, emoji: '👍' }],
  ['remove_reaction', { message_id: messageId, emoji: '👍' }],
  ['edit_message', { message_id: messageId, content: 'edited' }],
  ['delete_message', { message_id: messageId }],
];

/** One of each request type with a payload that would be accepted from a member (and the message's sender). */
const everyRequest = (conversationId: number, messageId = missingId): Array<[string, unknown]> => [
  ['send_message', { conversation_id: conversationId, content: 'let me in', client_id: `x-${conversationId}` }],
  ['load_history', { conversation_id: conversationId }],
  ['create_dm', { user_id: 1 }],
  ['create_group', { user_ids: [1, 2] }],
  ['create_invite', {}],
  ['catch_up', { after: 0 }],
  ['ping', {}],
  ['mark_read', { conversation_id: conversationId, message_id: messageId }],
  ['set_notify', { conversation_id: conversationId, notify: 'none' }],
  ['search', { query: 'secret', conversation_id: conversationId }],
  ['unsubscribe_push', { endpoint: 'https://push.example/never-subscribed' }],
  // The member's own name again: a rename that changes nothing.
  ['set_nickname', { nickname: 'bob' }],
  ['list_sessions', {}],
  ['create_sign_in_link', {}],
  // The group has no title, and Alice is in it: both change nothing.
  ['rename_group', { conversation_id: conversationId, title: '' }],
  ['add_members', { conversation_id: conversationId, user_ids: [1] }],
  ['remove_member', { conversation_id: conversationId, user_id: 1 }],
  ...messageRequests(messageId),
  // Last, as it ends the membership the others need.
  ['leave_conversation', { conversation_id: conversationId }],
];

async function count(table: string): Promise<number> {
  return (await server.db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n;
}

function rows(table: string, orderBy = 'id'): Promise<Record<string, unknown>[]> {
  return server.db.all(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
}

const withoutId = (e: ServerEvent) => ({ type: e.type, payload: e.payload });
const codeOf = (e: ServerEvent) => (e.type === 'error' ? e.payload.code : e.type);

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol, dave] = [await server.join('alice'), await server.join('bob'), await server.join('carol'), await server.join('dave')];
  const a = await Peer.signIn(server.wsUrl, alice.token);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const dm = await a.request('create_dm', { user_id: bob.user.id });
  const group = await a.request('create_group', { user_ids: [bob.user.id, dave.user.id] });
  if (dm.type !== 'conversation_created' || group.type !== 'conversation_created') throw new Error('setup failed');
  dmId = dm.payload.conversation.id;
  groupId = group.payload.conversation.id;
  for (const id of [lobbyId, dmId, groupId]) {
    const sent = await a.request('send_message', { conversation_id: id, content: `secret in ${id}`, client_id: `s${id}` });
    if (sent.type !== 'message') throw new Error('setup failed');
    secrets.set(id, sent.payload.id);
  }
  await a.close();
});
afterAll(() => server.destroy());

describe('an unauthenticated connection', () => {
  it.each(everyRequest(1).map(([type, payload]) => ({ type, payload })))(
    '$type as the first frame gets auth_error auth_required, close 4003, and changes nothing',
    async ({ type, payload }) => {
      const before = { messages: await count('messages'), invites: await count('invites'), conversations: await count('conversations') };
      const peer = await Peer.open(server.wsUrl);
      peer.send(type, payload, 'q');
      const refused = await peer.next('auth_error');
      expect(refused.payload.code).toBe('auth_required');
      expect(await peer.closed).toBe(CloseCode.AuthRequired);
      expect(peer.events.map((e) => e.type)).toEqual(['auth_error']);
      expect({ messages: await count('messages'), invites: await count('invites'), conversations: await count('conversations') }).toEqual(before);
    },
  );

  it('hears nothing of the chat while it has not signed in', async () => {
    const lurker = await Peer.open(server.wsUrl);
    const a = await Peer.signIn(server.wsUrl, alice.token);
    await a.request('send_message', { conversation_id: lobbyId, content: 'not for lurkers', client_id: 'lurk' });
    await settle();
    expect(lurker.events).toEqual([]);
    await Promise.all([a.close(), lurker.close()]);
  });
});

describe('an outsider with a token that is not valid', () => {
  it.each(['', 'x'.repeat(43), 'A'.repeat(256)])('auth with %j is refused with a close before any request runs', async (token) => {
    const peer = await Peer.open(server.wsUrl);
    peer.send('auth', { token }, 'a');
    for (const [type, payload] of everyRequest(lobbyId)) peer.send(type, payload);
    const code = await peer.closed;
    const refusal = peer.events[0]!;
    if (token === '') {
      expect(refusal).toMatchObject({ type: 'auth_error', payload: { code: 'auth_required' } });
      expect(code).toBe(CloseCode.AuthRequired);
    } else {
      expect(refusal).toMatchObject({ type: 'auth_error', payload: { code: 'invalid_token' } });
      expect(code).toBe(CloseCode.AuthFailed);
    }
    expect(peer.events.every((e) => e.type === 'auth_error')).toBe(true);
  });
});

describe('a member who is not in the DM or the group', () => {
  it('gets conversation_not_found for sends, history, read state and search, exactly as for an id that does not exist', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const messagesBefore = await count('messages');
    const membersBefore = await rows('conversation_members', 'conversation_id, user_id');
    const types = ['send_message', 'load_history', 'mark_read', 'set_notify', 'search', 'rename_group', 'add_members', 'remove_member', 'leave_conversation'] as const;
    for (const type of types) {
      const replies = [];
      for (const id of [dmId, groupId, missingId]) {
        const payload = everyRequest(id).find(([t]) => t === type)![1];
        replies.push(withoutId(await c.request(type, payload)));
      }
      expect(replies[0], type).toMatchObject({ type: 'error', payload: { code: 'conversation_not_found' } });
      expect(replies[1]).toEqual(replies[0]);
      expect(replies[2]).toEqual(replies[0]);
    }
    const paged = await c.request('load_history', { conversation_id: dmId, before: 1_000_000, limit: 100 });
    expect(paged.type === 'error' && paged.payload.code).toBe('conversation_not_found');
    await settle();
    expect(await count('messages')).toBe(messagesBefore);
    expect(await rows('conversation_members', 'conversation_id, user_id')).toEqual(membersBefore);
    expect(b.seen('message')).toEqual([]);
    expect(b.seen('member_state_updated')).toEqual([]);
    await Promise.all([b.close(), c.close()]);
  });

  it('gets message_not_found for every request about a message in them, exactly as for a message that does not exist', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const rowsBefore = await rows('messages');
    for (const [type, payload] of messageRequests(missingId)) {
      const replies = [];
      for (const id of [secrets.get(dmId)!, secrets.get(groupId)!, missingId]) {
        replies.push(withoutId(await c.request(type, { ...(payload as object), message_id: id })));
      }
      expect(replies[0], type).toMatchObject({ type: 'error', payload: { code: 'message_not_found' } });
      expect(replies[1], type).toEqual(replies[0]);
      expect(replies[2], type).toEqual(replies[0]);
    }
    const around = await c.request('load_history', { conversation_id: dmId, around: secrets.get(dmId)! });
    expect(around.type === 'error' && around.payload.code).toBe('conversation_not_found');
    const reply = await c.request('send_message', { conversation_id: lobbyId, content: 'x', client_id: 'cross', reply_to: secrets.get(dmId)! });
    expect(reply.type === 'error' && reply.payload.code).toBe('invalid_reply');
    await settle();
    expect(await rows('messages')).toEqual(rowsBefore);
    expect(a.seen('message_updated')).toEqual([]);
    await Promise.all([a.close(), c.close()]);
  });

  it('catch_up returns only messages from conversations the user is in', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const caught = messagesIn((await catchUp(c, 0)).changes);
    expect(caught.length).toBeGreaterThan(0);
    expect(new Set(caught.map((m) => m.conversation_id))).toEqual(new Set([lobbyId]));
    expect(c.seen('auth_ok')[0]!.payload.conversations.map((conv) => conv.id)).toEqual([lobbyId]);
    await c.close();
  });

  it('search finds only messages from conversations the user is in', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const [everywhere, fromAlice] = [await c.request('search', { query: 'secret' }), await c.request('search', { query: 'secret', user_id: alice.user.id })];
    for (const reply of [everywhere, fromAlice]) {
      expect(reply.type === 'search_results' && reply.payload.messages.map((m) => m.id)).toEqual([secrets.get(lobbyId)]);
    }
    await c.close();
  });

  it('does not hear messages or conversations that are not theirs', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const a = await Peer.signIn(server.wsUrl, alice.token);
    await a.request('send_message', { conversation_id: dmId, content: 'dm only', client_id: 'dm2' });
    await a.request('send_message', { conversation_id: groupId, content: 'group only', client_id: 'g2' });
    await a.request('create_group', { user_ids: [bob.user.id] });
    await settle();
    expect(c.seen('message')).toEqual([]);
    expect(c.seen('conversation_created')).toEqual([]);
    await Promise.all([a.close(), c.close()]);
  });

  it('starting a DM or group with the members makes a new conversation of their own, never joins an existing one', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const dm = await c.request('create_dm', { user_id: bob.user.id });
    const group = await c.request('create_group', { user_ids: [alice.user.id, bob.user.id, dave.user.id] });
    if (dm.type !== 'conversation_created' || group.type !== 'conversation_created') throw new Error('expected conversations');
    expect([dmId, groupId]).not.toContain(dm.payload.conversation.id);
    expect([dmId, groupId]).not.toContain(group.payload.conversation.id);
    expect(dm.payload.conversation.members.map((m) => m.id).sort()).toEqual([bob.user.id, carol.user.id].sort());
    const history = await c.request('load_history', { conversation_id: group.payload.conversation.id });
    expect(history.type === 'history' && history.payload.messages).toEqual([]);
    const stillClosed = await c.request('load_history', { conversation_id: dmId });
    expect(stillClosed.type === 'error' && stillClosed.payload.code).toBe('conversation_not_found');
    await c.close();
  });

  it('cannot reach users that do not exist', async () => {
    const c = await Peer.signIn(server.wsUrl, carol.token);
    const dm = await c.request('create_dm', { user_id: missingId });
    const group = await c.request('create_group', { user_ids: [alice.user.id, missingId] });
    expect(dm.type === 'error' && dm.payload.code).toBe('user_not_found');
    expect(group.type === 'error' && group.payload.code).toBe('user_not_found');
    await c.close();
  });
});

describe('members', () => {
  it('can use every request type in their own conversations, on their own messages', async () => {
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const expected = [
      ...['message', 'history', 'conversation_created', 'conversation_created', 'invite_created', 'caught_up', 'pong'],
      ...['member_state_updated', 'member_state_updated', 'search_results', 'push_updated', 'user_updated', 'sessions', 'sign_in_link'],
    ];
    for (const conversationId of [dmId, groupId]) {
      const own = await b.request('send_message', { conversation_id: conversationId, content: 'mine', client_id: `own-${conversationId}` });
      if (own.type !== 'message') throw new Error(own.type);
      const replies = [];
      for (const [type, payload] of everyRequest(conversationId, own.payload.id)) replies.push(codeOf(await b.request(type, payload)));
      // Only a group is renamed, added to or left; only its creator (Alice) or an admin removes others.
      const groups = conversationId === groupId ? ['conversation_updated', 'conversation_updated', 'forbidden'] : Array(3).fill('not_a_group');
      const leave = conversationId === groupId ? 'conversation_updated' : 'not_a_group';
      expect(replies).toEqual([...expected, ...groups, 'message_updated', 'message_updated', 'message_updated', 'message_updated', leave]);
    }
    // Alice adds Bob back to the group he left, for the tests below.
    const a = await Peer.signIn(server.wsUrl, alice.token);
    expect(codeOf(await a.request('add_members', { conversation_id: groupId, user_ids: [bob.user.id] }))).toBe('conversation_updated');
    await Promise.all([a.close(), b.close()]);
  });

  it('may react to others’ messages but not edit or delete them, which stay as they were', async () => {
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const secret = secrets.get(groupId)!;
    const before = (await rows('messages')).find((row) => row.id === secret);
    const replies = [];
    for (const [type, payload] of messageRequests(secret)) replies.push(withoutId(await b.request(type, payload)));
    expect(replies.map((r) => (r.type === 'error' ? (r.payload as { code: string }).code : r.type))).toEqual([
      'message_updated',
      'message_updated',
      'not_your_message',
      'not_your_message',
    ]);
    expect((await rows('messages')).find((row) => row.id === secret)).toEqual(before);
    await b.close();
  });
});

/** The administrative requests, each with a payload an admin could have accepted, aimed at `target`. */
const adminRequests = (target: number): Array<[string, unknown]> => [
  ['list_members', {}],
  ['set_role', { user_id: target, role: 'admin' }],
  ['deactivate_user', { user_id: target }],
  ['reactivate_user', { user_id: target }],
  ['create_sign_in_link', { user_id: target }],
  ['revoke_invite', { code: 'no-such-invite' }],
  ['set_invite_policy', { policy: 'admins' }],
];

/** What administrative requests could change. */
const accounts = async () => ({
  users: await rows('users'),
  sessions: await rows('sessions'),
  links: await rows('sign_in_links'),
  invites: await rows('invites'),
  settings: await rows('settings', 'name'),
});

describe('administration', () => {
  it('is refused to a member, request by request, with forbidden, changing nothing', async () => {
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const before = await accounts();
    const codes = [];
    for (const [type, payload] of adminRequests(carol.user.id)) {
      const reply = await b.request(type, payload);
      codes.push(reply.type === 'error' ? reply.payload.code : reply.type);
    }
    expect(codes).toEqual(Array(adminRequests(0).length).fill('forbidden'));
    expect(await accounts()).toEqual(before);
    await b.close();
  });

  it('lets an admin act on members but never on the owner, another admin or themselves; roles are the owner’s alone', async () => {
    const owner = await Peer.signIn(server.wsUrl, alice.token);
    expect(await owner.request('set_role', { user_id: dave.user.id, role: 'admin' })).toMatchObject({ type: 'user_updated', payload: { user: { role: 'admin' } } });
    const admin = await Peer.signIn(server.wsUrl, dave.token);
    const before = await accounts();
    const codes = [];
    for (const target of [alice.user.id, dave.user.id]) {
      for (const [type, payload] of adminRequests(target)) {
        if (!('user_id' in (payload as object))) continue;
        const reply = await admin.request(type, payload);
        codes.push(reply.type === 'error' ? reply.payload.code : reply.type);
      }
    }
    // Dave's sign-in link for himself is his own next device, which anyone may make.
    expect(codes).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'sign_in_link']);
    const after = await accounts();
    expect({ ...after, links: after.links.length }).toEqual({ ...before, links: before.links.length + 1 });
    expect((await owner.request('set_role', { user_id: alice.user.id, role: 'member' })).payload).toMatchObject({ code: 'forbidden' });
    expect((await owner.request('set_role', { user_id: dave.user.id, role: 'member' })).type).toBe('user_updated');
    await Promise.all([owner.close(), admin.close()]);
  });
});
