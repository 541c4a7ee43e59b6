import { ErrorCode, MAX_GROUP_MEMBERS, type ChangeEvent, type ServerEvent, type User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, messagesIn, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

type Person = { user: User; token: string };

let server: TestServer;
/** Ann joined first: she owns the server, and so may remove members of any group she is in. */
let ann: Person, ben: Person, cy: Person, dee: Person, eve: Person;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  [ann, ben, cy, dee, eve] = [await server.join('ann'), await server.join('ben'), await server.join('cy'), await server.join('dee'), await server.join('eve')];
  const peer = await signIn(ann);
  lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  await peer.close();
});
afterAll(() => server.destroy());

const signIn = (person: Person) => Peer.signIn(server.wsUrl, person.token);
const cursorOf = (peer: Peer) => peer.seen('auth_ok')[0]!.payload.cursor!;
const ids = (users: readonly User[]) => users.map((u) => u.id).sort((a, b) => a - b);
const codeOf = (reply: ServerEvent) => (reply.type === 'error' ? reply.payload.code : reply.type);

/** A new group made by `creator` with `others`; returns its id. */
async function group(creator: Person, others: Person[]): Promise<number> {
  const peer = await signIn(creator);
  const made = await peer.request('create_group', { user_ids: others.map((o) => o.user.id) });
  await peer.close();
  if (made.type !== 'conversation_created') throw new Error(made.type);
  return made.payload.conversation.id;
}

async function send(peer: Peer, conversationId: number, content: string): Promise<number> {
  const sent = await peer.request('send_message', { conversation_id: conversationId, content, client_id: content });
  if (sent.type !== 'message') throw new Error(sent.type);
  return sent.payload.id;
}

/** The changes about a conversation in a catch-up: its own stream's, and those in someone's stream that name it. */
const about = (changes: ChangeEvent[], conversationId: number) =>
  changes.filter((c) => ('conversation' in c.payload ? c.payload.conversation.id : 'conversation_id' in c.payload ? c.payload.conversation_id : 0) === conversationId);

describe('renaming a group', () => {
  it('is told to every member at once and by catch-up; the same title again is only replied, and an empty one removes it', async () => {
    const id = await group(ben, [cy, dee]);
    const [b, c, d] = await Promise.all([signIn(ben), signIn(cy), signIn(dee)]);
    const deeCursor = cursorOf(d);
    await d.close();

    const reply = await c.request('rename_group', { conversation_id: id, title: '  Cafe\u0301 crew  ' });
    expect(reply).toMatchObject({ type: 'conversation_updated', payload: { conversation: { id, title: 'Café crew', created_by: ben.user.id } }, stream: `c${id}` });
    expect((await b.next('conversation_updated')).payload.conversation.title).toBe('Café crew');

    const same = await c.request('rename_group', { conversation_id: id, title: 'Café crew' });
    expect(same.type === 'conversation_updated' && same.seq).toBeUndefined();
    const cleared = await b.request('rename_group', { conversation_id: id, title: '   ' });
    expect(cleared.type === 'conversation_updated' && 'title' in cleared.payload.conversation).toBe(false);
    await settle();
    expect(b.seen('conversation_updated')).toHaveLength(2);

    const back = await signIn(dee);
    const caught = about((await catchUp(back, deeCursor)).changes, id);
    // Each rename is followed by the line telling of it (test/group-lines.test.ts).
    expect(caught.map((change) => change.type)).toEqual(['conversation_updated', 'message', 'conversation_updated', 'message']);
    await Promise.all([b.close(), c.close(), back.close()]);
  });

  it('takes a title of up to 64 characters, counting an emoji as one', async () => {
    const id = await group(ben, [cy]);
    const b = await signIn(ben);
    const named = await b.request('rename_group', { conversation_id: id, title: '🔥'.repeat(64) });
    expect(named.type === 'conversation_updated' && named.payload.conversation.title).toBe('🔥'.repeat(64));
    const refused = await b.request('rename_group', { conversation_id: id, title: 'x'.repeat(65) });
    expect(codeOf(refused)).toBe(ErrorCode.InvalidTitle);
    await b.close();
  });
});

describe('adding people to a group', () => {
  it('tells the members, and tells the newcomer of the group in their own stream, live and by catch-up, without its older changes', async () => {
    const id = await group(ben, [cy]);
    const [b, c, d] = await Promise.all([signIn(ben), signIn(cy), signIn(dee)]);
    const deeCursor = cursorOf(d);
    const before = await send(b, id, 'before dee came');

    const reply = await c.request('add_members', { conversation_id: id, user_ids: [dee.user.id, ben.user.id] });
    if (reply.type !== 'conversation_updated') throw new Error(codeOf(reply));
    expect(reply.stream).toBe(`c${id}`);
    expect(ids(reply.payload.conversation.members)).toEqual(ids([ben.user, cy.user, dee.user]));
    expect(ids((await b.next('conversation_updated')).payload.conversation.members)).toEqual(ids([ben.user, cy.user, dee.user]));
    const told = await d.next('conversation_created');
    expect(told).toMatchObject({ stream: `u${dee.user.id}`, payload: { conversation: { id, type: 'group', created_by: ben.user.id } } });
    expect(ids(told.payload.conversation.members)).toEqual(ids([ben.user, cy.user, dee.user]));

    // The line telling of the act comes first, to the newcomer too (test/group-lines.test.ts).
    const line = (await d.next('message')).payload.id;
    const after = await send(b, id, 'after dee came');
    expect((await d.next('message', (m) => m.payload.id !== line)).payload.id).toBe(after);
    await settle();
    expect(d.seen('conversation_updated')).toEqual([]);

    // By catch-up, from before or long before: the group and what came after, nothing of what came before.
    const again = await signIn(dee);
    for (const from of [deeCursor, 0]) {
      const caught = about((await catchUp(again, from)).changes, id);
      expect(caught.map((change) => `${change.type} ${change.stream}`)).toEqual([`conversation_created u${dee.user.id}`, `message c${id}`, `message c${id}`]);
      expect(messagesIn(caught).map((m) => m.id)).toEqual([line, after]);
    }
    // The older messages are history to read, already read: only what came after counts as unread.
    const history = await again.request('load_history', { conversation_id: id });
    expect(history.type === 'history' && history.payload.messages.map((m) => m.id)).toEqual([before, line, after]);
    const welcome = again.seen('auth_ok')[0]!.payload;
    expect(welcome.conversations.map((conv) => conv.id)).toContain(id);
    expect(welcome.member_states?.find((s) => s.conversation_id === id)).toMatchObject({ last_read_id: before, unread: 1 });
    await Promise.all([b.close(), c.close(), d.close(), again.close()]);
  });

  it('only replies, telling nobody, when everyone listed is in the group already', async () => {
    const id = await group(ben, [cy]);
    const [b, c] = await Promise.all([signIn(ben), signIn(cy)]);
    const reply = await b.request('add_members', { conversation_id: id, user_ids: [cy.user.id, cy.user.id] });
    expect(reply.type === 'conversation_updated' && reply.seq).toBeUndefined();
    await settle();
    expect(c.seen('conversation_updated')).toEqual([]);
    await Promise.all([b.close(), c.close()]);
  });
});

describe('removing a member and leaving', () => {
  it('tells the others, and the one removed once, in their own stream; after that they get nothing of the group, live or by catch-up', async () => {
    const id = await group(ben, [cy, dee]);
    const [b, c, d] = await Promise.all([signIn(ben), signIn(cy), signIn(dee)]);
    const deeCursor = cursorOf(d);

    const reply = await b.request('remove_member', { conversation_id: id, user_id: dee.user.id });
    expect(reply).toMatchObject({ type: 'conversation_updated', stream: `c${id}` });
    expect(ids((await c.next('conversation_updated')).payload.conversation.members)).toEqual(ids([ben.user, cy.user]));
    const told = await d.next('conversation_updated');
    expect(told.stream).toBe(`u${dee.user.id}`);
    expect(told.payload.conversation.id).toBe(id);
    expect(ids(told.payload.conversation.members)).toEqual(ids([ben.user, cy.user]));

    await send(b, id, 'after dee left');
    await b.request('rename_group', { conversation_id: id, title: 'Without Dee' });
    await settle();
    expect(d.seen('message')).toEqual([]);
    expect(d.seen('conversation_updated')).toHaveLength(1);

    const again = await signIn(dee);
    const caught = about((await catchUp(again, deeCursor)).changes, id);
    expect(caught.map((change) => `${change.type} ${change.stream}`)).toEqual([`conversation_updated u${dee.user.id}`]);
    expect(again.seen('auth_ok')[0]!.payload.conversations.map((conv) => conv.id)).not.toContain(id);
    expect(codeOf(await again.request('load_history', { conversation_id: id }))).toBe(ErrorCode.ConversationNotFound);
    expect(codeOf(await again.request('send_message', { conversation_id: id, content: 'let me back', client_id: 'back' }))).toBe(ErrorCode.ConversationNotFound);
    await Promise.all([b.close(), c.close(), d.close(), again.close()]);
  });

  it('a retried client_id of a message in a group one was removed from is refused, not answered with the message as it is now', async () => {
    const id = await group(ben, [cy, dee]);
    const [b, d] = await Promise.all([signIn(ben), signIn(dee)]);
    const theirs = await d.request('send_message', { conversation_id: id, content: 'dee was here', client_id: 'dee-in-group' });
    if (theirs.type !== 'message') throw new Error(theirs.type);
    await b.request('remove_member', { conversation_id: id, user_id: dee.user.id });
    await b.request('send_message', { conversation_id: id, content: 'said after', client_id: 'after-dee', reply_to: theirs.payload.id });
    await b.request('add_reaction', { message_id: theirs.payload.id, emoji: '👋' });

    // The same client_id sent to a conversation dee is still in, and to the group itself.
    const viaLobby = await d.request('send_message', { conversation_id: lobbyId, content: 'dee was here', client_id: 'dee-in-group' });
    expect(codeOf(viaLobby)).toBe(ErrorCode.ConversationNotFound);
    const viaGroup = await d.request('send_message', { conversation_id: id, content: 'dee was here', client_id: 'dee-in-group' });
    expect(codeOf(viaGroup)).toBe(ErrorCode.ConversationNotFound);
    expect(d.seen('message').map((m) => m.payload.id)).toEqual([theirs.payload.id]);
    await Promise.all([b.close(), d.close()]);
  });

  it('leaving answers the one who left once, with the group without them, and tells their other devices and the members', async () => {
    const id = await group(ben, [cy, dee]);
    const [b, c, cElsewhere] = await Promise.all([signIn(ben), signIn(cy), signIn(cy)]);

    const reply = await c.request('leave_conversation', { conversation_id: id });
    expect(reply).toMatchObject({ type: 'conversation_updated', stream: `u${cy.user.id}` });
    expect(reply.type === 'conversation_updated' && ids(reply.payload.conversation.members)).toEqual(ids([ben.user, dee.user]));
    expect((await cElsewhere.next('conversation_updated')).stream).toBe(`u${cy.user.id}`);
    expect((await b.next('conversation_updated')).stream).toBe(`c${id}`);
    await settle();
    expect(c.seen('conversation_updated')).toHaveLength(1);
    expect(codeOf(await c.request('leave_conversation', { conversation_id: id }))).toBe(ErrorCode.ConversationNotFound);

    // Removing oneself is leaving, whoever made the group.
    const left = await b.request('remove_member', { conversation_id: id, user_id: ben.user.id });
    expect(left).toMatchObject({ type: 'conversation_updated', stream: `u${ben.user.id}` });
    await Promise.all([b.close(), c.close(), cElsewhere.close()]);
  });

  it('is for the group’s creator or an admin who is in it; others are refused', async () => {
    const id = await group(ben, [cy, dee]);
    const [a, c, b] = await Promise.all([signIn(ann), signIn(cy), signIn(ben)]);
    expect(codeOf(await c.request('remove_member', { conversation_id: id, user_id: dee.user.id }))).toBe(ErrorCode.Forbidden);
    expect(codeOf(await a.request('remove_member', { conversation_id: id, user_id: dee.user.id }))).toBe(ErrorCode.ConversationNotFound);
    expect(codeOf(await b.request('remove_member', { conversation_id: id, user_id: eve.user.id }))).toBe(ErrorCode.UserNotFound);

    await b.request('add_members', { conversation_id: id, user_ids: [ann.user.id] });
    const removed = await a.request('remove_member', { conversation_id: id, user_id: dee.user.id });
    expect(removed.type === 'conversation_updated' && ids(removed.payload.conversation.members)).toEqual(ids([ann.user, ben.user, cy.user]));
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('refusals', () => {
  const requests = (conversationId: number, userId: number): Array<[string, unknown]> => [
    ['rename_group', { conversation_id: conversationId, title: 'x' }],
    ['add_members', { conversation_id: conversationId, user_ids: [userId] }],
    ['remove_member', { conversation_id: conversationId, user_id: userId }],
    ['leave_conversation', { conversation_id: conversationId }],
  ];

  it('not_a_group for the lobby and a DM, and conversation_not_found for a group one is not in, as for one that does not exist', async () => {
    const id = await group(ben, [cy]);
    const e = await signIn(eve);
    const dm = await e.request('create_dm', { user_id: dee.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    for (const [type, payload] of requests(lobbyId, dee.user.id)) expect(codeOf(await e.request(type, payload)), type).toBe(ErrorCode.NotAGroup);
    for (const [type, payload] of requests(dm.payload.conversation.id, dee.user.id)) expect(codeOf(await e.request(type, payload)), type).toBe(ErrorCode.NotAGroup);
    for (const conversationId of [id, 987_654]) {
      for (const [type, payload] of requests(conversationId, dee.user.id)) expect(codeOf(await e.request(type, payload)), type).toBe(ErrorCode.ConversationNotFound);
    }
    await e.close();
  });

  it('user_not_found for an unknown user, account_deactivated for a deactivated one, and group_too_large past the limit', async () => {
    const id = await group(ben, [cy]);
    const [a, b] = await Promise.all([signIn(ann), signIn(ben)]);
    const gone = await server.join('gone');
    expect(codeOf(await a.request('deactivate_user', { user_id: gone.user.id }))).toBe('user_updated');
    expect(codeOf(await b.request('add_members', { conversation_id: id, user_ids: [dee.user.id, 987_654] }))).toBe(ErrorCode.UserNotFound);
    expect(codeOf(await b.request('add_members', { conversation_id: id, user_ids: [dee.user.id, gone.user.id] }))).toBe(ErrorCode.AccountDeactivated);

    const crowd: number[] = [];
    for (let i = 0; i < MAX_GROUP_MEMBERS - 1; i++) crowd.push((await server.join(`crowd${i}`)).user.id);
    expect(codeOf(await b.request('add_members', { conversation_id: id, user_ids: crowd }))).toBe(ErrorCode.GroupTooLarge);
    const full = await b.request('add_members', { conversation_id: id, user_ids: crowd.slice(1) });
    expect(full.type === 'conversation_updated' && full.payload.conversation.members).toHaveLength(MAX_GROUP_MEMBERS);
    await Promise.all([a.close(), b.close()]);
  });
});
