import { ErrorCode, mentionToken, UNREAD_COUNT_MAX, type MemberState, type ServerEvent } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let tokens: Record<'ann' | 'ben' | 'cat', string>;
let ids: Record<'ann' | 'ben' | 'cat', number>;
let lobbyId: number;
let dmId: number;

beforeAll(async () => {
  server = await startTestServer();
  const [ann, ben, cat] = [await server.join('ann'), await server.join('ben'), await server.join('cat')];
  tokens = { ann: ann.token, ben: ben.token, cat: cat.token };
  ids = { ann: ann.user.id, ben: ben.user.id, cat: cat.user.id };
  const a = await Peer.signIn(server.wsUrl, ann.token);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const dm = await a.request('create_dm', { user_id: ben.user.id });
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  dmId = dm.payload.conversation.id;
  await a.close();
});
afterAll(() => server.destroy());

let sent = 0;
async function say(peer: Peer, conversationId: number, content: string): Promise<number> {
  const reply = await peer.request('send_message', { conversation_id: conversationId, content, client_id: `rs-${sent++}` });
  if (reply.type !== 'message') throw new Error(JSON.stringify(reply));
  return reply.payload.id;
}

const stateIn = (event: ServerEvent | undefined, conversationId: number): MemberState | undefined =>
  event?.type === 'auth_ok' ? event.payload.member_states?.find((s) => s.conversation_id === conversationId) : undefined;

const welcomeState = (peer: Peer, conversationId: number): MemberState | undefined => stateIn(peer.seen('auth_ok')[0], conversationId);

async function markRead(peer: Peer, conversationId: number, messageId: number): Promise<ServerEvent> {
  return peer.request('mark_read', { conversation_id: conversationId, message_id: messageId });
}

describe('read state', () => {
  it('counts what others sent since the marker, and mentions of the user, at sign-in', async () => {
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    await say(ben, dmId, 'are you around?');
    await say(ben, dmId, `${mentionToken(ids.ann)} dinner at 8?`);
    await say(ben, lobbyId, `hello all, and ${mentionToken(ids.ann)}`);
    await say(ben, lobbyId, 'and a second one');

    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(welcomeState(ann, dmId)).toEqual({ conversation_id: dmId, last_read_id: 0, unread: 2, mentions: 1, notify: 'all' });
    expect(welcomeState(ann, lobbyId)).toMatchObject({ conversation_id: lobbyId, unread: 2, mentions: 1, notify: 'mentions' });
    // The sender's own messages are never unread to them.
    expect(welcomeState(ben, dmId)).toMatchObject({ unread: 0 });
    const welcome = ann.seen('auth_ok')[0]!.payload;
    expect(welcome.conversations.find((c) => c.id === dmId)?.last_message_id).toBeGreaterThan(0);
    await Promise.all([ann.close(), ben.close()]);
  });

  it('moves the marker only forward, for every device of the user and nobody else', async () => {
    const [phone, laptop, ben] = await Promise.all([
      Peer.signIn(server.wsUrl, tokens.ann),
      Peer.signIn(server.wsUrl, tokens.ann),
      Peer.signIn(server.wsUrl, tokens.ben),
    ]);
    const first = await say(ben, dmId, 'one');
    const second = await say(ben, dmId, 'two');
    const read = await markRead(phone, dmId, second);
    expect(read.type).toBe('member_state_updated');
    if (read.type !== 'member_state_updated') return;
    expect(read.payload.state).toEqual({ conversation_id: dmId, last_read_id: second, unread: 0, mentions: 0, notify: 'all' });
    expect(read.stream).toBe(`u${ids.ann}`);
    const onLaptop = await laptop.next('member_state_updated');
    expect(onLaptop.payload.state.last_read_id).toBe(second);
    expect(onLaptop.seq).toBe(read.seq);

    // Backwards changes nothing and tells nobody: the reply is the state as it is, without numbers.
    const back = await markRead(phone, dmId, first);
    expect(back.type === 'member_state_updated' && back.payload.state.last_read_id).toBe(second);
    expect(back.type === 'member_state_updated' && back.seq).toBeUndefined();
    await settle();
    expect(laptop.seen('member_state_updated')).toHaveLength(1);
    expect(ben.seen('member_state_updated')).toEqual([]);
    await Promise.all([phone.close(), laptop.close(), ben.close()]);
  });

  it('never moves past the conversation’s newest message', async () => {
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const newest = await say(ben, dmId, 'latest');
    const read = await markRead(ann, dmId, newest + 1_000);
    expect(read.type === 'member_state_updated' && read.payload.state.last_read_id).toBe(newest);
    const later = await say(ben, dmId, 'after that');
    expect(later).toBeGreaterThan(newest);
    await Promise.all([ann.close(), ben.close()]);
    const again = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(welcomeState(again, dmId)).toMatchObject({ last_read_id: newest, unread: 1 });
    await again.close();
  });

  it('is counted again after a reconnect, and on a second connection, as the server keeps it', async () => {
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    const newest = await say(ben, dmId, 'catch this');
    await markRead(ann, dmId, newest);
    await say(ben, dmId, `${mentionToken(ids.ann)} and this`);
    await ann.close();
    const [again, other] = await Promise.all([Peer.signIn(server.wsUrl, tokens.ann), Peer.signIn(server.wsUrl, tokens.ann)]);
    for (const peer of [again, other]) expect(welcomeState(peer, dmId)).toMatchObject({ last_read_id: newest, unread: 1, mentions: 1 });
    await Promise.all([again.close(), other.close(), ben.close()]);
  });

  it('leaves out deleted messages', async () => {
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    const read = await markRead(ann, dmId, await say(ben, dmId, 'baseline'));
    expect(read.type).toBe('member_state_updated');
    const oops = await say(ben, dmId, 'oops');
    await ben.request('delete_message', { message_id: oops });
    await ann.close();
    const again = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(welcomeState(again, dmId)).toMatchObject({ unread: 0 });
    await Promise.all([again.close(), ben.close()]);
  });

  it('is caught up by the user’s other device as the newest state only, and never by anyone else', async () => {
    const [laptop, ben, cat] = await Promise.all([
      Peer.signIn(server.wsUrl, tokens.ann),
      Peer.signIn(server.wsUrl, tokens.ben),
      Peer.signIn(server.wsUrl, tokens.cat),
    ]);
    const annCursor = laptop.seen('auth_ok')[0]!.payload.cursor!;
    const benCursor = ben.seen('auth_ok')[0]!.payload.cursor!;
    const catCursor = cat.seen('auth_ok')[0]!.payload.cursor!;
    await laptop.close();

    const phone = await Peer.signIn(server.wsUrl, tokens.ann);
    const one = await say(ben, lobbyId, 'first');
    await markRead(phone, lobbyId, one);
    const two = await say(ben, lobbyId, 'second');
    await markRead(phone, lobbyId, two);
    await phone.request('set_notify', { conversation_id: lobbyId, notify: 'all' });

    const mine = (await catchUp(await Peer.signIn(server.wsUrl, tokens.ann), annCursor)).changes.filter((c) => c.type === 'member_state_updated');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload).toEqual({ state: { conversation_id: lobbyId, last_read_id: two, unread: 0, mentions: 0, notify: 'all' } });
    for (const [peer, cursor] of [[ben, benCursor], [cat, catCursor]] as const) {
      const theirs = (await catchUp(peer, cursor)).changes.filter((c) => c.type === 'member_state_updated');
      expect(theirs).toEqual([]);
    }
    await Promise.all([phone.close(), ben.close(), cat.close()]);
  });

  it('counts up to a limit, so a long-unread conversation costs a bounded read', async () => {
    const dan = await server.join('dan');
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const group = await ben.request('create_group', { user_ids: [dan.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    const groupId = group.payload.conversation.id;
    const batch = 100;
    for (let i = 0; i < UNREAD_COUNT_MAX + batch; i += batch) {
      const frames = Array.from({ length: batch }, (_, j) =>
        JSON.stringify({ type: 'send_message', payload: { conversation_id: groupId, content: `m${i + j}`, client_id: `bulk-${i + j}` }, id: `b${i + j}` }),
      );
      for (const frame of frames) ben.sendRaw(frame);
      await ben.waitFor((e) => e.id === `b${i + batch - 1}`, 10_000);
    }
    const danPeer = await Peer.signIn(server.wsUrl, dan.token);
    expect(welcomeState(danPeer, groupId)).toMatchObject({ unread: UNREAD_COUNT_MAX });
    await Promise.all([danPeer.close(), ben.close()]);
  }, 60_000);

  it('chooses what notifies, with the defaults until then', async () => {
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(welcomeState(ann, dmId)?.notify).toBe('all');
    const set = await ann.request('set_notify', { conversation_id: dmId, notify: 'none' });
    expect(set.type === 'member_state_updated' && set.payload.state.notify).toBe('none');
    await ann.close();
    const again = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(welcomeState(again, dmId)?.notify).toBe('none');
    await again.request('set_notify', { conversation_id: dmId, notify: 'all' });
    await again.close();
  });

  it('refuses a conversation the user is not in, and bad values, with the usual codes', async () => {
    const cat = await Peer.signIn(server.wsUrl, tokens.cat);
    const marked = await markRead(cat, dmId, 1);
    expect(marked.type === 'error' && marked.payload.code).toBe(ErrorCode.ConversationNotFound);
    const notify = await cat.request('set_notify', { conversation_id: dmId, notify: 'all' });
    expect(notify.type === 'error' && notify.payload.code).toBe(ErrorCode.ConversationNotFound);
    const level = await cat.request('set_notify', { conversation_id: lobbyId, notify: 'loud' });
    expect(level.type === 'error' && level.payload).toMatchObject({ code: ErrorCode.InvalidPayload, path: '/payload/notify' });
    const zero = await markRead(cat, lobbyId, 0);
    expect(zero.type === 'error' && zero.payload.code).toBe(ErrorCode.InvalidPayload);
    await cat.close();
  });

  it('starts a newcomer with the lobby’s history read', async () => {
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    await say(ben, lobbyId, 'before Eve came');
    const eve = await server.join('eve');
    const peer = await Peer.signIn(server.wsUrl, eve.token);
    expect(welcomeState(peer, lobbyId)).toMatchObject({ unread: 0, mentions: 0 });
    await say(ben, lobbyId, 'welcome Eve');
    await Promise.all([peer.close(), ben.close()]);
    const again = await Peer.signIn(server.wsUrl, eve.token);
    expect(welcomeState(again, lobbyId)).toMatchObject({ unread: 1 });
    await again.close();
  });
});
