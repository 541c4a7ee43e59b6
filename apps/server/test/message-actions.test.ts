import { readFileSync } from 'node:fs';
import { ErrorCode, MAX_REACTIONS_PER_MESSAGE, mentionToken, type Message, type ServerEvent } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

type Account = { user: { id: number; nickname: string }; token: string };

let server: TestServer;
let alice: Account;
let bob: Account;
let carol: Account;
let lobbyId: number;
let dmId: number;
let a: Peer;
let b: Peer;
let c: Peer;
let sent = 0;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol] = [await server.join('alice'), await server.join('bob'), await server.join('carol')];
  [a, b, c] = await Promise.all([Peer.signIn(server.wsUrl, alice.token), Peer.signIn(server.wsUrl, bob.token), Peer.signIn(server.wsUrl, carol.token)]);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const dm = await a.request('create_dm', { user_id: bob.user.id });
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  dmId = dm.payload.conversation.id;
});

afterAll(async () => {
  await Promise.all([a, b, c].map((peer) => peer.close()));
  await server.destroy();
});

function expectMessage(event: ServerEvent): Message {
  if (event.type === 'message') return event.payload;
  if (event.type === 'message_updated') return event.payload.message;
  throw new Error(`expected a message, got ${event.type} ${JSON.stringify(event.payload)}`);
}

function expectError(event: ServerEvent, code: ErrorCode): void {
  expect(event.type === 'error' ? event.payload.code : event.type).toBe(code);
}

async function send(peer: Peer, content: string, extra: { conversation_id?: number; reply_to?: number } = {}): Promise<Message> {
  return expectMessage(await peer.request('send_message', { conversation_id: lobbyId, content, client_id: `s${sent++}`, ...extra }));
}

/** The update a peer heard pushed (no request id) for a message, waiting for it. */
const pushed = (peer: Peer, id: number, match: (m: Message) => boolean = () => true) =>
  peer.next('message_updated', (e) => e.id === undefined && e.payload.message.id === id && match(e.payload.message));

describe('editing', () => {
  it('replaces the content, marks when, and reaches every member live', async () => {
    const original = await send(a, 'helo everyone');
    const reply = await a.request('edit_message', { message_id: original.id, content: '  hello everyone  ' });
    expect(reply.type).toBe('message_updated');
    const edited = expectMessage(reply);
    expect(edited).toMatchObject({ id: original.id, content: 'hello everyone', client_id: original.client_id });
    expect(edited.edited_at).toBeGreaterThanOrEqual(original.created_at);
    expect((await pushed(b, original.id)).payload.message).toEqual(edited);
    expect((await pushed(c, original.id)).payload.message).toEqual(edited);

    const page = await b.request('load_history', { conversation_id: lobbyId });
    if (page.type !== 'history') throw new Error(page.type);
    expect(page.payload.messages.find((m) => m.id === original.id)).toEqual(edited);
  });

  it('with the same content changes nothing and tells nobody else', async () => {
    const original = await send(a, 'unchanged');
    const reply = await a.request('edit_message', { message_id: original.id, content: 'unchanged' });
    expect(reply).toMatchObject({ type: 'message_updated', payload: { message: original } });
    expect('seq' in reply ? reply.seq : undefined).toBeUndefined();
    await settle();
    expect(b.seen('message_updated').filter((e) => e.payload.message.id === original.id)).toEqual([]);
  });

  it('is refused for someone else’s message, a message one cannot read, an unknown one, and empty content', async () => {
    const mine = await send(a, 'alice wrote this');
    const private_ = await send(a, 'just for bob', { conversation_id: dmId });
    expectError(await b.request('edit_message', { message_id: mine.id, content: 'bob was here' }), ErrorCode.NotYourMessage);
    expectError(await c.request('edit_message', { message_id: private_.id, content: 'x' }), ErrorCode.MessageNotFound);
    expectError(await a.request('edit_message', { message_id: 9_999_999, content: 'x' }), ErrorCode.MessageNotFound);
    expectError(await a.request('edit_message', { message_id: mine.id, content: ' \u200b ' }), ErrorCode.ContentEmpty);
    expectError(await a.request('edit_message', { message_id: mine.id, content: 'x'.repeat(4001) }), ErrorCode.ContentTooLong);
    const page = await a.request('load_history', { conversation_id: lobbyId });
    if (page.type !== 'history') throw new Error(page.type);
    expect(page.payload.messages.find((m) => m.id === mine.id)).toEqual(mine);
  });
});

describe('deleting', () => {
  it('leaves a deleted marker in place, and the text nowhere in the database files', async () => {
    const secret = `my password is hunter2-${Date.now()} `.repeat(8);
    const original = await send(a, secret);
    const answer = await send(b, 'noted', { reply_to: original.id });
    expect(answer.quote).toEqual({ user_id: alice.user.id, excerpt: secret.trim().slice(0, 140) });

    const deleted = expectMessage(await a.request('delete_message', { message_id: original.id }));
    expect(deleted).toMatchObject({ id: original.id, content: '', deleted: true });
    expect(deleted).not.toHaveProperty('reactions');
    expect((await pushed(b, original.id)).payload.message).toEqual(deleted);

    const page = await b.request('load_history', { conversation_id: lobbyId });
    if (page.type !== 'history') throw new Error(page.type);
    expect(page.payload.messages.find((m) => m.id === original.id)).toEqual(deleted);
    expect(page.payload.messages.find((m) => m.id === answer.id)?.quote).toEqual({ user_id: alice.user.id, excerpt: '', deleted: true });

    // The search index holds its own copy of the text until its consumer has read the deletion.
    await server.consumersCaughtUp();
    const needle = Buffer.from(secret.slice(0, 36));
    // PostgreSQL keeps an old row version in its files until VACUUM reuses the space (see PostgresStore.updateMessage):
    // there, no row may hold the text.
    if (server.db.dialect === 'postgres') expect(await server.db.all('SELECT id FROM messages WHERE strpos(content, ?) > 0', needle.toString())).toEqual([]);
    for (const file of server.db.dialect === 'sqlite' ? [server.dbPath, `${server.dbPath}-wal`] : []) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(needle), `${file} still holds the deleted text`).toBe(false);
    }
  });

  it('twice changes nothing the second time; someone else cannot, and a deleted message cannot be edited, reacted to or answered', async () => {
    const original = await send(a, 'take this back');
    expectError(await b.request('delete_message', { message_id: original.id }), ErrorCode.NotYourMessage);
    const first = await a.request('delete_message', { message_id: original.id });
    const again = await a.request('delete_message', { message_id: original.id });
    expect('seq' in first && first.seq).toBeGreaterThan(0);
    expect('seq' in again ? again.seq : undefined).toBeUndefined();
    expect(expectMessage(again)).toEqual(expectMessage(first));
    expectError(await a.request('edit_message', { message_id: original.id, content: 'back' }), ErrorCode.MessageDeleted);
    expectError(await b.request('add_reaction', { message_id: original.id, emoji: '👍' }), ErrorCode.MessageDeleted);
    const reply = await b.request('send_message', { conversation_id: lobbyId, content: 'what?', client_id: 'late-reply', reply_to: original.id });
    expectError(reply, ErrorCode.MessageDeleted);
  });
});

describe('reactions', () => {
  it('are counted per emoji with who reacted, in order, and can be taken back', async () => {
    const original = await send(a, 'lunch at noon?');
    await b.request('add_reaction', { message_id: original.id, emoji: '👍' });
    await c.request('add_reaction', { message_id: original.id, emoji: '🍕' });
    const third = expectMessage(await c.request('add_reaction', { message_id: original.id, emoji: '👍' }));
    expect(third.reactions).toEqual([
      { emoji: '👍', user_ids: [bob.user.id, carol.user.id] },
      { emoji: '🍕', user_ids: [carol.user.id] },
    ]);
    expect((await pushed(a, original.id, (m) => m.reactions?.length === 2 && m.reactions[0]!.user_ids.length === 2)).payload.message).toEqual(third);

    const taken = expectMessage(await c.request('remove_reaction', { message_id: original.id, emoji: '🍕' }));
    expect(taken.reactions).toEqual([{ emoji: '👍', user_ids: [bob.user.id, carol.user.id] }]);
    const none = expectMessage(await b.request('remove_reaction', { message_id: original.id, emoji: '👍' }));
    const last = expectMessage(await c.request('remove_reaction', { message_id: original.id, emoji: '👍' }));
    expect(none.reactions).toEqual([{ emoji: '👍', user_ids: [carol.user.id] }]);
    expect(last).not.toHaveProperty('reactions');
  });

  it('made twice, or taken back when never made, change nothing', async () => {
    const original = await send(a, 'react twice');
    const first = await b.request('add_reaction', { message_id: original.id, emoji: '🎉' });
    const again = await b.request('add_reaction', { message_id: original.id, emoji: '🎉' });
    const never = await c.request('remove_reaction', { message_id: original.id, emoji: '🎉' });
    expect('seq' in first && first.seq).toBeGreaterThan(0);
    for (const reply of [again, never]) {
      expect('seq' in reply ? reply.seq : undefined).toBeUndefined();
      expect(expectMessage(reply)).toEqual(expectMessage(first));
    }
  });

  it('are refused outside the conversation, when not one emoji, and past the cap of different emoji', async () => {
    const private_ = await send(a, 'dm for reactions', { conversation_id: dmId });
    expectError(await c.request('add_reaction', { message_id: private_.id, emoji: '👍' }), ErrorCode.MessageNotFound);
    expectError(await b.request('add_reaction', { message_id: private_.id, emoji: '👍👍' }), ErrorCode.InvalidEmoji);
    expectError(await b.request('add_reaction', { message_id: private_.id, emoji: '<b>' }), ErrorCode.InvalidEmoji);
    // 23 code points pass the schema's count; 35 UTF-16 units do not pass the contract's 32.
    expectError(await b.request('add_reaction', { message_id: private_.id, emoji: Array(12).fill('👩').join('\u200D') }), ErrorCode.InvalidEmoji);
    const hidden = [...'secret'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    expectError(await b.request('add_reaction', { message_id: private_.id, emoji: `👍${hidden}` }), ErrorCode.InvalidEmoji);

    const busy = await send(a, 'so many feelings');
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗🤩'];
    for (const e of emoji.slice(0, MAX_REACTIONS_PER_MESSAGE)) {
      expect((await b.request('add_reaction', { message_id: busy.id, emoji: e })).type).toBe('message_updated');
    }
    expectError(await b.request('add_reaction', { message_id: busy.id, emoji: emoji[MAX_REACTIONS_PER_MESSAGE]! }), ErrorCode.TooManyReactions);
    const more = expectMessage(await c.request('add_reaction', { message_id: busy.id, emoji: emoji[0]! }));
    expect(more.reactions).toHaveLength(MAX_REACTIONS_PER_MESSAGE);
    expect(more.reactions![0]!.user_ids).toEqual([bob.user.id, carol.user.id]);
  });
});

describe('replies', () => {
  it('carry what they answer, and are refused across conversations or to an unknown message', async () => {
    const question = await send(a, 'who brings the cake?');
    const answer = await send(b, 'I will', { reply_to: question.id });
    expect(answer).toMatchObject({ reply_to: question.id, quote: { user_id: alice.user.id, excerpt: 'who brings the cake?' } });
    expect((await a.next('message', (e) => e.payload.id === answer.id)).payload).toEqual(answer);

    const elsewhere = await send(a, 'in the dm', { conversation_id: dmId });
    const across = await b.request('send_message', { conversation_id: lobbyId, content: 'x', client_id: 'across', reply_to: elsewhere.id });
    expectError(across, ErrorCode.InvalidReply);
    const unknown = await b.request('send_message', { conversation_id: lobbyId, content: 'x', client_id: 'unknown', reply_to: 9_999_999 });
    expectError(unknown, ErrorCode.InvalidReply);
  });

  it('quote the start of a long message', async () => {
    const long = await send(a, 'é'.repeat(500));
    const answer = await send(b, 'tl;dr', { reply_to: long.id });
    expect(answer.quote?.excerpt).toBe('é'.repeat(140));
  });

  it('retried after the original was deleted are answered with what was stored', async () => {
    const question = await send(a, 'retry me');
    const first = expectMessage(await b.request('send_message', { conversation_id: lobbyId, content: 'sure', client_id: 'retry-reply', reply_to: question.id }));
    await a.request('delete_message', { message_id: question.id });
    const retry = await b.request('send_message', { conversation_id: lobbyId, content: 'sure', client_id: 'retry-reply', reply_to: question.id });
    expect(expectMessage(retry).id).toBe(first.id);
  });
});

describe('mentions', () => {
  it('list the members the content names, once each, and follow an edit', async () => {
    const hey = await send(a, `hey ${mentionToken(bob.user.id)} and ${mentionToken(carol.user.id)}, ${mentionToken(bob.user.id)}!`);
    expect(hey.mentions).toEqual([bob.user.id, carol.user.id]);
    const edited = expectMessage(await a.request('edit_message', { message_id: hey.id, content: `only ${mentionToken(carol.user.id)}` }));
    expect(edited.mentions).toEqual([carol.user.id]);
    const none = expectMessage(await a.request('edit_message', { message_id: hey.id, content: 'nobody' }));
    expect(none).not.toHaveProperty('mentions');
  });

  it('leave out people who are not in the conversation, and ids of nobody', async () => {
    const dm = await send(a, `${mentionToken(carol.user.id)} ${mentionToken(bob.user.id)} ${mentionToken(9_999_999)}`, { conversation_id: dmId });
    expect(dm.mentions).toEqual([bob.user.id]);
  });
});

describe('a history page around a message', () => {
  it('holds the message with older and newer ones around it, and says whether more remain each way', async () => {
    const ids: number[] = [];
    const group = await a.request('create_group', { user_ids: [bob.user.id, carol.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    const conversation_id = group.payload.conversation.id;
    for (let i = 0; i < 30; i++) ids.push((await send(a, `m${i}`, { conversation_id })).id);

    const middle = await b.request('load_history', { conversation_id, around: ids[15], limit: 10 });
    if (middle.type !== 'history') throw new Error(middle.type);
    expect(middle.payload.messages.map((m) => m.id)).toEqual(ids.slice(11, 21));
    expect(middle.payload).toMatchObject({ has_more: true, has_newer: true });

    const first = await b.request('load_history', { conversation_id, around: ids[0], limit: 10 });
    if (first.type !== 'history') throw new Error(first.type);
    expect(first.payload.messages.map((m) => m.id)).toEqual(ids.slice(0, 10));
    expect(first.payload).toMatchObject({ has_more: false, has_newer: true });

    const last = await b.request('load_history', { conversation_id, around: ids[29], limit: 10 });
    if (last.type !== 'history') throw new Error(last.type);
    expect(last.payload.messages.map((m) => m.id)).toEqual(ids.slice(25, 30));
    expect(last.payload).toMatchObject({ has_more: true, has_newer: false });

    expectError(await b.request('load_history', { conversation_id: lobbyId, around: ids[3] }), ErrorCode.MessageNotFound);
    expectError(await c.request('load_history', { conversation_id: dmId, around: ids[3] }), ErrorCode.ConversationNotFound);
  });
});

describe('catching up after being away', () => {
  it('brings each edit, deletion and reaction made meanwhile once, as the message now is', async () => {
    const edited = await send(a, 'first draft');
    const removed = await send(a, 'oops');
    const liked = await send(a, 'like me');
    const cursor = Math.max(...b.events.map((e) => ('seq' in e && typeof e.seq === 'number' ? e.seq : 0)));
    await b.close();

    await a.request('edit_message', { message_id: edited.id, content: 'second draft' });
    await a.request('edit_message', { message_id: edited.id, content: 'final draft' });
    await a.request('delete_message', { message_id: removed.id });
    await c.request('add_reaction', { message_id: liked.id, emoji: '❤️' });
    const fresh = await send(a, `welcome back ${mentionToken(bob.user.id)}`, { reply_to: edited.id });

    b = await Peer.signIn(server.wsUrl, bob.token);
    const { changes } = await catchUp(b, cursor);
    const updates = changes.filter((change) => change.type === 'message_updated');
    const byMessage = new Map(updates.map((u) => [u.payload.message.id, u.payload.message]));
    expect(updates).toHaveLength(3);
    expect(byMessage.get(edited.id)).toMatchObject({ content: 'final draft' });
    expect(byMessage.get(edited.id)?.edited_at).toBeDefined();
    expect(byMessage.get(removed.id)).toMatchObject({ content: '', deleted: true });
    expect(byMessage.get(liked.id)?.reactions).toEqual([{ emoji: '❤️', user_ids: [carol.user.id] }]);
    const news = changes.filter((change) => change.type === 'message');
    expect(news.map((change) => change.payload)).toEqual([
      { ...fresh, quote: { user_id: alice.user.id, excerpt: 'final draft' } },
    ]);
    expect(new Set(changes.map((change) => change.seq)).size).toBe(changes.length);
  });
});
