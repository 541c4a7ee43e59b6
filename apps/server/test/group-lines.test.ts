import { ErrorCode, type ChangeEvent, type GroupEvent, type Message, type ServerEvent, type User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, eventually, messagesIn, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

type Person = { user: User; token: string };

let server: TestServer;
/** Ann joined first: she owns the server. Each test makes groups of its own. */
let ann: Person, ben: Person, cy: Person, dee: Person, eve: Person;

beforeAll(async () => {
  server = await startTestServer();
  [ann, ben, cy, dee, eve] = [await server.join('ann'), await server.join('ben'), await server.join('cy'), await server.join('dee'), await server.join('eve')];
});
afterAll(() => server.destroy());

const signIn = (person: Person) => Peer.signIn(server.wsUrl, person.token);
const cursorOf = (peer: Peer) => peer.seen('auth_ok')[0]!.payload.cursor!;
const codeOf = (reply: ServerEvent) => (reply.type === 'error' ? reply.payload.code : reply.type);

async function group(creator: Peer, others: Person[]): Promise<number> {
  const made = await creator.request('create_group', { user_ids: others.map((o) => o.user.id) });
  if (made.type !== 'conversation_created') throw new Error(codeOf(made));
  return made.payload.conversation.id;
}

async function changed(peer: Peer, type: string, payload: unknown): Promise<number> {
  const reply = await peer.request(type, payload);
  if (reply.type !== 'conversation_updated' || reply.seq === undefined) throw new Error(codeOf(reply));
  return reply.seq;
}

/** A line as members read it: who made the change, what it was, and the words for clients that do not know `event`. */
const told = (m: Message) => ({ by: m.user_id, event: m.event, content: m.content });
const linesIn = (messages: readonly Message[], conversationId: number) => messages.filter((m) => m.conversation_id === conversationId && m.event !== undefined).map(told);
const liveLines = (peer: Peer, conversationId: number) => linesIn(peer.seen('message').map((e) => e.payload), conversationId);
const caughtLines = (changes: ChangeEvent[], conversationId: number) => linesIn(messagesIn(changes), conversationId);

async function historyOf(peer: Peer, conversationId: number): Promise<Message[]> {
  const page = await peer.request('load_history', { conversation_id: conversationId });
  if (page.type !== 'history') throw new Error(codeOf(page));
  return page.payload.messages;
}

describe('group change lines', () => {
  it('tell members of each addition, rename, removal and departure, live, in load_history and in catch_up', async () => {
    const [a, b, d] = await Promise.all([signIn(ann), signIn(ben), signIn(dee)]);
    const id = await group(a, [ben, cy]);
    const benCursor = cursorOf(b);

    const seqs = [
      await changed(a, 'add_members', { conversation_id: id, user_ids: [dee.user.id, eve.user.id] }),
      await changed(a, 'rename_group', { conversation_id: id, title: 'Trip' }),
      await changed(a, 'remove_member', { conversation_id: id, user_id: cy.user.id }),
      await changed(d, 'leave_conversation', { conversation_id: id }),
      await changed(b, 'rename_group', { conversation_id: id, title: '' }),
    ];
    const expected: { by: number; event: GroupEvent; content: string }[] = [
      { by: ann.user.id, event: { kind: 'added', users: [dee.user.id, eve.user.id] }, content: 'ann added dee and eve' },
      { by: ann.user.id, event: { kind: 'renamed', title: 'Trip' }, content: 'ann renamed the group to Trip' },
      { by: ann.user.id, event: { kind: 'removed', users: [cy.user.id] }, content: 'ann removed cy' },
      { by: dee.user.id, event: { kind: 'left' }, content: 'dee left' },
      { by: ben.user.id, event: { kind: 'renamed' }, content: "ben removed the group's name" },
    ];

    await eventually(async () => (liveLines(b, id).length === expected.length ? true : undefined), 'every line, live');
    expect(liveLines(b, id)).toEqual(expected);
    // Each line follows the change it tells of, in the group's own stream.
    const lines = b.seen('message').filter((e) => e.payload.event !== undefined && e.payload.conversation_id === id);
    lines.forEach((line, i) => {
      expect(line.stream).toBe(`c${id}`);
      expect(line.seq).toBeGreaterThan(seqs[i]!);
    });
    expect(lines.map((line) => line.payload.client_id)).toEqual(seqs.map((seq, i) => `group-event-${i === 3 ? seq - 1 : seq}`));

    expect(linesIn(await historyOf(b, id), id)).toEqual(expected);
    const again = await signIn(ben);
    expect(caughtLines((await catchUp(again, benCursor)).changes, id)).toEqual(expected);
    await Promise.all([a.close(), b.close(), d.close(), again.close()]);
  });

  it('reach someone added, starting with the line that added them, and never anyone removed or gone', async () => {
    const [a, c, d] = await Promise.all([signIn(ann), signIn(cy), signIn(dee)]);
    const id = await group(a, [ben, cy]);
    const [cyCursor, deeCursor] = [cursorOf(c), cursorOf(d)];

    await changed(a, 'remove_member', { conversation_id: id, user_id: cy.user.id });
    await changed(a, 'add_members', { conversation_id: id, user_ids: [dee.user.id] });
    await changed(d, 'leave_conversation', { conversation_id: id });
    await changed(a, 'rename_group', { conversation_id: id, title: 'After they went' });
    const after = await a.request('send_message', { conversation_id: id, content: 'said after', client_id: 'lines-said-after' });
    expect(after.type).toBe('message');
    // The last line and message reached a member; by then everything before them had reached everyone it would.
    await a.next('message', (m) => m.payload.content === 'said after');
    await settle();

    // Dee heard the line that added her, and nothing after she left; Cy nothing after he was removed.
    const addedDee = { by: ann.user.id, event: { kind: 'added', users: [dee.user.id] }, content: 'ann added dee' };
    expect(liveLines(d, id)).toEqual([addedDee]);
    expect(liveLines(c, id)).toEqual([]);
    expect(c.seen('message').filter((m) => m.payload.conversation_id === id)).toEqual([]);

    const [cAgain, dAgain] = await Promise.all([signIn(cy), signIn(dee)]);
    expect(messagesIn((await catchUp(cAgain, cyCursor)).changes).filter((m) => m.conversation_id === id)).toEqual([]);
    expect(messagesIn((await catchUp(dAgain, deeCursor)).changes).filter((m) => m.conversation_id === id)).toEqual([]);
    expect(codeOf(await dAgain.request('load_history', { conversation_id: id }))).toBe(ErrorCode.ConversationNotFound);
    await Promise.all([a.close(), c.close(), d.close(), cAgain.close(), dAgain.close()]);
  });

  it('cannot be edited, deleted, reacted to or answered, even by whoever made the change: each is refused with group_event_line', async () => {
    const [a, b] = await Promise.all([signIn(ann), signIn(ben)]);
    const id = await group(a, [ben]);
    await changed(a, 'rename_group', { conversation_id: id, title: 'Fixed' });
    const line = (await b.next('message', (m) => m.payload.conversation_id === id && m.payload.event !== undefined)).payload;

    expect(codeOf(await a.request('edit_message', { message_id: line.id, content: 'ann renamed the group to Broken' }))).toBe(ErrorCode.GroupEventLine);
    // Ann owns the server, so she may delete anyone's message: still not a line.
    expect(codeOf(await a.request('delete_message', { message_id: line.id }))).toBe(ErrorCode.GroupEventLine);
    expect(codeOf(await b.request('add_reaction', { message_id: line.id, emoji: '👍' }))).toBe(ErrorCode.GroupEventLine);
    expect(codeOf(await b.request('remove_reaction', { message_id: line.id, emoji: '👍' }))).toBe(ErrorCode.GroupEventLine);
    const reply = await b.request('send_message', { conversation_id: id, content: 'nice name', client_id: 'answer-to-line', reply_to: line.id });
    expect(codeOf(reply)).toBe(ErrorCode.GroupEventLine);

    expect((await historyOf(b, id)).find((m) => m.id === line.id)).toEqual(line);
    await Promise.all([a.close(), b.close()]);
  });

  it('raise no unread or mention count, and are not found by search', async () => {
    const [a, b] = await Promise.all([signIn(ann), signIn(ben)]);
    const id = await group(a, [ben]);
    await changed(a, 'rename_group', { conversation_id: id, title: 'Quietly renamed' });
    await changed(a, 'add_members', { conversation_id: id, user_ids: [cy.user.id] });
    await b.next('message', (m) => m.payload.conversation_id === id && m.payload.event?.kind === 'added');

    const stateOf = async () => {
      const peer = await signIn(ben);
      const state = peer.seen('auth_ok')[0]!.payload.member_states!.find((s) => s.conversation_id === id);
      await peer.close();
      return state;
    };
    expect(await stateOf()).toMatchObject({ unread: 0, mentions: 0 });

    // One thing said after more lines is one unread, and one mention.
    await changed(a, 'rename_group', { conversation_id: id, title: 'Renamed again' });
    await a.request('send_message', { conversation_id: id, content: `renamed it for <@${ben.user.id}>`, client_id: 'lines-unread' });
    expect(await stateOf()).toMatchObject({ unread: 1, mentions: 1 });

    // Once the message said after the lines is found, the index has read the lines too: none of them is found.
    const found = await eventually(async () => {
      const reply = await b.request('search', { query: 'renamed', conversation_id: id });
      return reply.type === 'search_results' && reply.payload.messages.length > 0 ? reply.payload.messages : undefined;
    }, 'the message to be searchable');
    expect(found.map((m) => m.content)).toEqual([`renamed it for <@${ben.user.id}>`]);
    await Promise.all([a.close(), b.close()]);
  });
});
