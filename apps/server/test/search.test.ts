import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ErrorCode, SEARCH_PAGE_DEFAULT, SEARCH_QUERY_MAX_LENGTH, type Message, type ServerEvent, type ServerPayload } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Peer, startTestServer, type TestServer } from './support/harness.js';
import { upload } from './support/files.js';

type Account = { user: { id: number; nickname: string }; token: string };

let server: TestServer;
let alice: Account, bob: Account, carol: Account, dave: Account;
let a: Peer, b: Peer, c: Peer;
let lobbyId: number, dmId: number, groupId: number;
let sent = 0;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol, dave] = [await server.join('alice'), await server.join('bob'), await server.join('carol'), await server.join('dave')];
  [a, b, c] = await Promise.all([Peer.signIn(server.wsUrl, alice.token), Peer.signIn(server.wsUrl, bob.token), Peer.signIn(server.wsUrl, carol.token)]);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  dmId = conversationIn(await a.request('create_dm', { user_id: bob.user.id }));
  groupId = conversationIn(await a.request('create_group', { user_ids: [bob.user.id, dave.user.id] }));
});

afterAll(async () => {
  await Promise.all([a, b, c].map((peer) => peer.close()));
  await server.destroy();
});

function conversationIn(event: ServerEvent): number {
  if (event.type !== 'conversation_created') throw new Error(`${event.type} ${JSON.stringify(event.payload)}`);
  return event.payload.conversation.id;
}

async function send(peer: Peer, conversationId: number, content: string): Promise<Message> {
  const reply = await peer.request('send_message', { conversation_id: conversationId, content, client_id: `q${sent++}` });
  if (reply.type !== 'message') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
  return reply.payload;
}

async function search(peer: Peer, query: string, options: { conversation_id?: number; user_id?: number; before?: number; limit?: number } = {}) {
  return peer.request('search', { query, ...options });
}

/** The results once the index has read every message sent so far. */
async function found(peer: Peer, query: string, options: Parameters<typeof search>[2] = {}): Promise<ServerPayload<'search_results'>> {
  await server.consumersCaughtUp();
  const reply = await search(peer, query, options);
  if (reply.type !== 'search_results') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
  return reply.payload;
}

const ids = (page: { messages: Message[] }) => page.messages.map((m) => m.id);
const codeOf = (event: ServerEvent) => (event.type === 'error' ? event.payload.code : event.type);

describe('who finds what', () => {
  it('finds only messages of conversations the user is a member of', async () => {
    const inLobby = await send(a, lobbyId, 'zephyr over the lobby');
    const inDm = await send(a, dmId, 'zephyr in our DM');
    const inGroup = await send(b, groupId, 'zephyr for the group');

    expect(ids(await found(b, 'zephyr'))).toEqual([inGroup.id, inDm.id, inLobby.id]);
    expect(ids(await found(a, 'zephyr'))).toEqual([inGroup.id, inDm.id, inLobby.id]);
    expect(ids(await found(c, 'zephyr'))).toEqual([inLobby.id]);
    const d = await Peer.signIn(server.wsUrl, dave.token);
    expect(ids(await found(d, 'zephyr'))).toEqual([inGroup.id, inLobby.id]);
    await d.close();
  });

  it('refuses a conversation the user is outside exactly as one that does not exist', async () => {
    await send(a, dmId, 'quokka secrets');
    const replies = [];
    for (const id of [dmId, groupId, 987_654]) replies.push(await search(c, 'quokka', { conversation_id: id }));
    expect(replies[0]).toMatchObject({ type: 'error', payload: { code: ErrorCode.ConversationNotFound } });
    expect(replies.map(({ type, payload }) => ({ type, payload }))).toEqual(Array(3).fill({ type: replies[0]!.type, payload: replies[0]!.payload }));
  });

  it('finds a conversation’s past once the user is let into it, and still nothing of the ones they are outside', async () => {
    const newGroup = conversationIn(await a.request('create_group', { user_ids: [bob.user.id] }));
    const before = await send(a, newGroup, 'wombat plans, before carol');
    await send(a, dmId, 'wombat plans, just for bob');
    expect(ids(await found(c, 'wombat'))).toEqual([]);

    const withCarol = conversationIn(await a.request('create_group', { user_ids: [bob.user.id, carol.user.id] }));
    const later = await send(b, withCarol, 'wombat plans, with carol');
    expect(ids(await found(c, 'wombat'))).toEqual([later.id]);
    expect(ids(await found(b, 'wombat'))).toContain(before.id);
  });
});

describe('filters', () => {
  it('narrow to one conversation, one sender, or both', async () => {
    const lobbyA = await send(a, lobbyId, 'kestrel sighting');
    const lobbyB = await send(b, lobbyId, 'kestrel again');
    const dmA = await send(a, dmId, 'kestrel, privately');
    const dmB = await send(b, dmId, 'kestrel, privately too');

    expect(ids(await found(b, 'kestrel', { conversation_id: dmId }))).toEqual([dmB.id, dmA.id]);
    expect(ids(await found(b, 'kestrel', { conversation_id: lobbyId }))).toEqual([lobbyB.id, lobbyA.id]);
    expect(ids(await found(b, 'kestrel', { user_id: alice.user.id }))).toEqual([dmA.id, lobbyA.id]);
    expect(ids(await found(b, 'kestrel', { conversation_id: dmId, user_id: alice.user.id }))).toEqual([dmA.id]);
    expect(ids(await found(b, 'kestrel', { user_id: carol.user.id }))).toEqual([]);
    expect(ids(await found(b, 'kestrel', { user_id: 987_654 }))).toEqual([]);
  });

  it('tell a number in the text from a conversation or sender id', async () => {
    const numbered = await send(a, lobbyId, `ticket ${dmId} and ${bob.user.id} closed`);
    expect(ids(await found(b, `closed ${dmId}`))).toEqual([numbered.id]);
    expect(ids(await found(b, 'closed', { conversation_id: dmId }))).toEqual([]);
    expect(ids(await found(b, 'closed', { user_id: bob.user.id }))).toEqual([]);
  });
});

describe('order and pages', () => {
  it('gives the newest first, a page at a time, until has_more is false', async () => {
    const all: number[] = [];
    for (let i = 0; i < 7; i++) all.unshift((await send(i % 2 ? a : b, lobbyId, `paging marmot ${i}`)).id);
    const pages = [];
    for (let before: number | undefined; ; ) {
      const page = await found(c, 'marmot', before === undefined ? { limit: 3 } : { limit: 3, before });
      pages.push(page);
      if (!page.has_more) break;
      before = page.messages.at(-1)!.id;
    }
    expect(pages.map((page) => [page.messages.length, page.has_more])).toEqual([
      [3, true],
      [3, true],
      [1, false],
    ]);
    expect(pages.flatMap(ids)).toEqual(all);
    expect(pages[0]!.query).toBe('marmot');
  });

  it(`returns ${SEARCH_PAGE_DEFAULT} when no limit is given, each message whole as history has it`, async () => {
    for (let i = 0; i <= SEARCH_PAGE_DEFAULT; i++) await send(a, dmId, `ocelot number ${i}`);
    const original = await send(b, dmId, 'ocelot replied to');
    const reply = await b.request('send_message', { conversation_id: dmId, content: 'ocelot answer', client_id: `q${sent++}`, reply_to: original.id });
    if (reply.type !== 'message') throw new Error(reply.type);
    await b.request('add_reaction', { message_id: reply.payload.id, emoji: '👍' });

    const page = await found(a, 'ocelot', { conversation_id: dmId });
    expect(page.messages).toHaveLength(SEARCH_PAGE_DEFAULT);
    expect(page.has_more).toBe(true);
    const history = await a.request('load_history', { conversation_id: dmId, limit: 5 });
    if (history.type !== 'history') throw new Error(history.type);
    expect(page.messages[0]).toEqual(history.payload.messages.find((m) => m.id === reply.payload.id));
    expect(page.messages[0]).toMatchObject({ reply_to: original.id, quote: { user_id: bob.user.id }, reactions: [{ emoji: '👍' }] });
  });
});

describe('what matches', () => {
  it('finds an edited message by its new words, not its old ones', async () => {
    const message = await send(a, lobbyId, 'the narwhal meeting is at noon');
    expect(ids(await found(b, 'narwhal noon'))).toEqual([message.id]);
    const edited = await a.request('edit_message', { message_id: message.id, content: 'the narwhal meeting moved to three' });
    expect(edited.type).toBe('message_updated');
    expect(ids(await found(b, 'noon narwhal'))).toEqual([]);
    const page = await found(b, 'narwhal three');
    expect(page.messages.map((m) => m.content)).toEqual(['the narwhal meeting moved to three']);
  });

  it('never finds a deleted message, and leaves none of its words in the index or the database files', async () => {
    // A word sharing no first letter with any other here, so the index stores it whole and a byte search can tell
    // whether it is still there.
    const secret = `жvorpal${Date.now()}`;
    const message = await send(a, lobbyId, `the code is ${secret}`);
    expect(ids(await found(b, secret))).toEqual([message.id]);
    // The files are SQLite's to check: PostgreSQL keeps an old row version until VACUUM reuses the space (see
    // PostgresStore.updateMessage), so there the searches alone are checked.
    const files = server.db.dialect === 'sqlite' ? [server.dbPath, `${server.dbPath}-wal`] : [];
    if (files.length > 0) {
      const db = new Database(server.dbPath);
      // While the server's own checkpointer copies the log, this copy reports busy and copies nothing: ask again.
      await eventually(async () => ((db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]!.busy === 0 ? true : undefined), 'the log copied into the file');
      db.close();
      expect(readFileSync(server.dbPath).includes(Buffer.from(secret)), 'the word is in the index before').toBe(true);
    }

    expect((await a.request('delete_message', { message_id: message.id })).type).toBe('message_updated');
    expect(ids(await found(b, secret))).toEqual([]);
    expect(ids(await found(b, 'code', { user_id: alice.user.id }))).not.toContain(message.id);
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(secret)), `${file} still holds the deleted word`).toBe(false);
    }
  });

  it('ignores case and accents, on either side', async () => {
    const message = await send(a, lobbyId, 'Crème BRÛLÉE at the Café');
    for (const query of ['creme brulee', 'CRÈME', 'cafe', 'brûlée café', 'Cre\u0300me']) {
      expect(ids(await found(b, query)), query).toEqual([message.id]);
    }
  });

  it('needs every word, matched whole, in any order', async () => {
    const both = await send(a, lobbyId, 'axolotl tank cleaned');
    await send(a, lobbyId, 'axolotl fed');
    expect(ids(await found(b, 'cleaned axolotl'))).toEqual([both.id]);
    expect(ids(await found(b, 'axolot'))).toEqual([]);
    expect(ids(await found(b, 'axolotl cleaned zebra'))).toEqual([]);
  });

  it('matches longer words with a * after the last word of three characters or more', async () => {
    const deploy = await send(a, lobbyId, 'deploy friday');
    const deployment = await send(b, lobbyId, 'the deployment failed');
    expect(ids(await found(c, 'deplo*'))).toEqual([deployment.id, deploy.id]);
    expect(ids(await found(c, 'deploy* friday'))).toEqual([deploy.id]);
    expect(ids(await found(c, 'friday deplo*'))).toEqual([deploy.id]);
    expect(ids(await found(c, 'deplo'))).toEqual([]);
    expect(ids(await found(c, 'de*'))).toEqual([]);
  });
});

describe('files', () => {
  /** Alice's message in the DM of the files named, with the caption given. */
  async function sendFiles(names: string[], content = ''): Promise<Message> {
    const fileIds: string[] = [];
    for (const name of names) {
      const answer = await upload(server.url, alice.token, Buffer.from(`the bytes of ${name}`), name);
      if (answer.status !== 201) throw new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
      fileIds.push((answer.body as { id: string }).id);
    }
    const reply = await a.request('send_message', { conversation_id: dmId, content, client_id: `q${sent++}`, attachments: fileIds });
    if (reply.type !== 'message') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
    return reply.payload;
  }

  it('finds a message of a file alone by the words of its name, for the members of its conversation only', async () => {
    const message = await sendFiles(['holiday-plan.pdf']);
    const page = await found(b, 'holiday');
    expect(ids(page)).toEqual([message.id]);
    expect(page.messages[0]!.attachments).toEqual(message.attachments);
    expect(ids(await found(a, 'plan holi*'))).toEqual([message.id]);
    expect(ids(await found(c, 'holiday'))).toEqual([]);
  });

  it('finds a message by its caption and its files’ names together', async () => {
    const message = await sendFiles(['gecko-terrarium.jpg', 'Gecko_Diet_v2.xlsx'], 'look at our lizard');
    expect(ids(await found(b, 'lizard terrarium diet'))).toEqual([message.id]);
    expect(ids(await found(b, 'lizard xlsx'))).toEqual([message.id]);
  });

  it('finds a deleted message by none of its files’ names', async () => {
    const message = await sendFiles(['ptarmigan-sightings.csv'], 'bird log');
    expect(ids(await found(b, 'ptarmigan'))).toEqual([message.id]);
    expect((await a.request('delete_message', { message_id: message.id })).type).toBe('message_updated');
    expect(ids(await found(b, 'ptarmigan'))).toEqual([]);
    expect(ids(await found(a, 'sightings'))).toEqual([]);
  });
});

describe('queries that are not plain words', () => {
  it('refuses a query with no word in it as invalid_query', async () => {
    for (const query of ['', '   ', '*', '""', '() - : ^', '😀 🎉', '\u200b']) {
      expect(codeOf(await search(b, query)), JSON.stringify(query)).toBe(ErrorCode.InvalidQuery);
    }
  });

  it('takes search syntax as text, answering every hostile query without failing', async () => {
    const message = await send(a, lobbyId, 'NEAR the OR gate: (x) - "y"');
    const hostile = [
      '"',
      '"unterminated',
      'a"b',
      '*',
      '**x**',
      'NEAR(',
      'NEAR(a b, 2)',
      'a OR b',
      'a AND NOT b',
      '-x',
      'content:x',
      'conversation_id:1',
      'user_id : 1',
      '{content}: x',
      '(((',
      ')',
      '^x',
      'x +y',
      '\\',
      "'; DROP TABLE messages; --",
      'x'.repeat(SEARCH_QUERY_MAX_LENGTH),
      'a '.repeat(SEARCH_QUERY_MAX_LENGTH / 2),
      '"a" '.repeat(SEARCH_QUERY_MAX_LENGTH / 4),
    ];
    for (const query of hostile) expect([ErrorCode.InvalidQuery, 'search_results'], JSON.stringify(query)).toContain(codeOf(await search(b, query)));
    expect(ids(await found(b, 'NEAR OR gate "y" (x)'))).toEqual([message.id]);
  });

  it('refuses a query over the length limit as invalid_payload', async () => {
    const reply = await search(b, 'x'.repeat(SEARCH_QUERY_MAX_LENGTH + 1));
    expect(reply).toMatchObject({ type: 'error', payload: { code: ErrorCode.InvalidPayload, path: '/payload/query' } });
  });
});

describe('the search budget', () => {
  it('holds per user across connections, answering the searches over it with rate_limited', async () => {
    const limited = await startTestServer({ searchesPerSecondPerUser: 1, searchBurstPerUser: 4 });
    try {
      const erin = await limited.join('erin');
      const peers = await Promise.all(Array.from({ length: 3 }, () => Peer.signIn(limited.wsUrl, erin.token)));
      const replies = await Promise.all(peers.flatMap((peer) => [search(peer, 'anything'), search(peer, 'anything')]));
      expect(replies.filter((r) => r.type === 'search_results')).toHaveLength(4);
      const refused = replies.filter((r) => r.type === 'error');
      expect(refused).toHaveLength(2);
      for (const r of refused) expect(r).toMatchObject({ payload: { code: ErrorCode.RateLimited, retry_after_ms: expect.any(Number) } });
      await Promise.all(peers.map((peer) => peer.close()));
    } finally {
      await limited.destroy();
    }
  });
});
