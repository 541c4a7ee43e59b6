import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signInPath, type ChangeEvent, type Message } from '@hearth/protocol';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { catchUp, Peer, redeem, startTestServer, type TestServer } from '../support/harness.js';
import { MIGRATE_TO_POSTGRES } from '../support/process.js';

/** Runs the command as an operator would, with none of the test's HEARTH_* variables. */
const migrate = (...args: string[]) => promisify(execFile)(process.execPath, [MIGRATE_TO_POSTGRES, ...args], { env: { PATH: process.env.PATH ?? '' } });

/** Every table a chat keeps; SQLite's full-text index is rebuilt by PostgreSQL, not copied. */
const TABLES = ['bot_endpoints', 'changes', 'consumers', 'conversation_members', 'conversations', 'files', 'invites', 'messages', 'push_subscriptions', 'servers', 'sessions', 'settings', 'sign_in_links', 'users', 'webhooks'];

const NICKNAMES = ['ann', 'ben', 'cat', 'dan'] as const;
type Nickname = (typeof NICKNAMES)[number];

let source: TestServer;
let target: TestDatabase;
let moved: TestServer | undefined;

/** The chat as its clients saw it on SQLite, before the move. */
const before = {
  users: {} as Record<Nickname, { id: number; token: string }>,
  /** Every device's token, with its user and session. */
  devices: [] as { token: string; userId: number; sessionId: number }[],
  /** The highest session id ever given: that of a device signed out since. */
  lastSessionId: 0,
  conversations: [] as number[],
  history: new Map<number, Message[]>(),
  /** Each user's catch-up from the start of the log. */
  changes: {} as Record<Nickname, ChangeEvent[]>,
  cursor: 0,
  olderCursor: 0,
  sinceOlder: [] as ChangeEvent[],
  invite: '',
  highestMessageId: 0,
};

beforeAll(async () => {
  source = await startTestServer();
  target = await createPostgresDatabase(source.dir);
  await makeChat();
  await source.close();
  // A browser's push subscription, as subscribing stores it (a real one needs a push service).
  await source.db.run('INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)', [
    before.users.ann.id,
    'https://push.example/ann',
    'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    'tBHItJI5svbpez7KI4CCXg',
    1,
  ]);
}, 30_000);
afterAll(async () => {
  await (moved === undefined ? target.drop() : moved.destroy());
  await source.destroy();
});

/** Four people chat in the lobby, a DM and a group, edit, delete, react, read, invite and sign in a second device. */
async function makeChat(): Promise<void> {
  for (const nickname of NICKNAMES) {
    const joined = await source.join(nickname);
    before.users[nickname] = { id: joined.user.id, token: joined.token };
  }
  const [a, b, c, d] = (await Promise.all(NICKNAMES.map((n) => Peer.signIn(source.wsUrl, before.users[n].token)))) as [Peer, Peer, Peer, Peer];
  const lobby = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const hello = await say(a, lobby, 'hello everyone');
  await say(b, lobby, 'hi ann', hello.id);
  before.olderCursor = (await catchUp(a, 0)).cursor;

  const typo = await say(c, lobby, 'the meeting is on tuesdy');
  await c.request('edit_message', { message_id: typo.id, content: 'the meeting is on tuesday' });
  await a.request('add_reaction', { message_id: typo.id, emoji: '👍' });
  await b.request('delete_message', { message_id: (await say(b, lobby, 'wrong window')).id });
  const dm = await conversationFrom(a.request('create_dm', { user_id: before.users.ben.id }));
  await say(a, dm, 'a word in private');
  await say(b, dm, 'sure');
  const group = await conversationFrom(a.request('create_group', { user_ids: [before.users.ben.id, before.users.cat.id] }));
  await a.request('rename_group', { conversation_id: group, title: 'Planning' });
  await a.request('add_members', { conversation_id: group, user_ids: [before.users.dan.id] });
  await say(c, group, 'the quarterly zeppelin budget');
  await b.request('mark_read', { conversation_id: lobby, message_id: typo.id });
  await c.request('set_notify', { conversation_id: group, notify: 'mentions' });
  await b.request('set_nickname', { nickname: 'benjamin' });
  const invite = await a.request('create_invite', { max_uses: 2 });
  if (invite.type !== 'invite_created') throw new Error(invite.type);
  before.invite = invite.payload.code;
  before.conversations = [lobby, dm, group];

  const phone = await secondDevice(a, 'Phone');
  const spare = await secondDevice(a, 'Spare');
  before.lastSessionId = spare.peer.seen('auth_ok')[0]!.payload.session_id!;
  await a.request('revoke_session', { session_id: before.lastSessionId });
  const everyone = [a, b, c, d];
  for (const { token, peer } of [...everyone.map((peer, i) => ({ token: before.users[NICKNAMES[i]!].token, peer })), phone]) {
    const welcome = peer.seen('auth_ok')[0]!.payload;
    before.devices.push({ token, userId: welcome.user.id, sessionId: welcome.session_id! });
  }
  await record(a, everyone);
  for (const peer of [...everyone, phone.peer, spare.peer]) await peer.close();
}

/** Another device of the peer's user, signed in through a sign-in link. */
async function secondDevice(peer: Peer, device: string): Promise<{ token: string; peer: Peer }> {
  const link = await peer.request('create_sign_in_link', {});
  if (link.type !== 'sign_in_link') throw new Error(link.type);
  const res = await fetch(`${source.url}${signInPath(link.payload.code)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ device }) });
  const { token } = (await res.json()) as { token: string };
  return { token, peer: await Peer.signIn(source.wsUrl, token) };
}

/** What clients see of the chat: history, catch-up, the cursor. */
async function record(ann: Peer, everyone: Peer[]): Promise<void> {
  for (const id of before.conversations) before.history.set(id, await history(ann, id));
  for (const [i, peer] of everyone.entries()) before.changes[NICKNAMES[i]!] = (await catchUp(peer, 0)).changes;
  before.cursor = (await catchUp(ann, 0)).cursor;
  before.sinceOlder = (await catchUp(ann, before.olderCursor)).changes;
  before.highestMessageId = Math.max(...[...before.history.values()].flat().map((m) => m.id));
}

async function say(peer: Peer, conversationId: number, content: string, replyTo?: number): Promise<Message> {
  const reply = await peer.request('send_message', { conversation_id: conversationId, content, client_id: `${content}-${conversationId}`, reply_to: replyTo });
  if (reply.type !== 'message') throw new Error(JSON.stringify(reply));
  return reply.payload;
}

async function conversationFrom(request: ReturnType<Peer['request']>): Promise<number> {
  const reply = await request;
  if (reply.type !== 'conversation_created') throw new Error(JSON.stringify(reply));
  return reply.payload.conversation.id;
}

async function history(peer: Peer, conversationId: number): Promise<Message[]> {
  const page = await peer.request('load_history', { conversation_id: conversationId, limit: 100 });
  if (page.type !== 'history') throw new Error(page.type);
  return page.payload.messages;
}

/** A table's rows, in the same order from either database. */
const rowsOf = (db: TestDatabase, table: string) => db.all(`SELECT * FROM ${table} ORDER BY 1, 2`);

const counts = async (db: TestDatabase) =>
  Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, (await db.all<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n])));

describe('npm run migrate-to-postgres', () => {
  it('copies every row of every table into an empty PostgreSQL database, and says so without the password', async () => {
    const url = new URL(target.options.database);
    url.password = 'not-shown';
    const { stdout } = await migrate('--from', source.dbPath, '--to', url.href);

    // Seven said, and two lines telling the group of its rename and of Dan added.
    expect(stdout).toMatch(/^Copied 4 users, .*\b9 messages\b.* to postgres:\/\/postgres:\*\*\*@/);
    expect(stdout).toContain('Start the server with --database postgres://postgres:***@');
    expect(stdout).not.toContain('not-shown');
    const sqliteTables = await source.db.all<{ name: string }>(
      "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name",
    );
    expect(sqliteTables.map((t) => t.name)).toEqual(TABLES);
    for (const table of TABLES) expect(await rowsOf(target, table), table).toEqual(await rowsOf(source.db, table));
  });

  describe('a server started on the copy', () => {
    let peers: Peer[] = [];
    beforeAll(async () => {
      moved = await startTestServer({}, { dir: mkdtempSync(join(tmpdir(), 'hearth-test-')), db: target });
    });
    afterAll(() => Promise.all(peers.map((peer) => peer.close())));

    async function signIn(token: string): Promise<Peer> {
      const peer = await Peer.signIn(moved!.wsUrl, token);
      peers.push(peer);
      return peer;
    }

    it('signs every device in, each as the session it was, at the cursor it was', async () => {
      for (const device of before.devices) {
        const welcome = (await signIn(device.token)).seen('auth_ok')[0]?.payload;
        expect(welcome).toMatchObject({ user: { id: device.userId }, session_id: device.sessionId, cursor: before.cursor });
      }
    });

    it("shows each conversation's history as it was: ids, content, edits, deletions, reactions, times", async () => {
      const ann = await signIn(before.users.ann.token);
      for (const id of before.conversations) expect(await history(ann, id)).toEqual(before.history.get(id));
    });

    it('catches clients up from their cursors as before, with nothing missing from the newest', async () => {
      for (const nickname of NICKNAMES) expect((await catchUp(await signIn(before.users[nickname].token), 0)).changes).toEqual(before.changes[nickname]);
      const ann = await signIn(before.users.ann.token);
      expect((await catchUp(ann, before.olderCursor)).changes).toEqual(before.sinceOlder);
      expect(await catchUp(ann, before.cursor)).toMatchObject({ changes: [], cursor: before.cursor });
    });

    it('finds copied messages by search', async () => {
      const reply = await (await signIn(before.users.dan.token)).request('search', { query: 'zeppelin' });
      if (reply.type !== 'search_results') throw new Error(reply.type);
      expect(reply.payload.messages.map((m) => m.content)).toEqual(['the quarterly zeppelin budget']);
    });

    it('lets people in with a copied invite, and numbers what is new past everything copied', async () => {
      const eve = await redeem(moved!.url, before.invite, 'eve');
      expect(eve.status).toBe(201);
      expect(eve.body.user.id).toBe(5);
      const peer = await signIn(eve.body.token);
      expect(peer.seen('auth_ok')[0]!.payload.session_id).toBeGreaterThan(before.lastSessionId);
      const sent = await peer.request('send_message', { conversation_id: before.conversations[0]!, content: 'new here', client_id: 'eve-1' });
      if (sent.type !== 'message') throw new Error(sent.type);
      expect(sent.payload.id).toBeGreaterThan(before.highestMessageId);
      expect(sent.seq).toBeGreaterThan(before.cursor);
      expect(await conversationFrom(peer.request('create_dm', { user_id: before.users.ann.id }))).toBeGreaterThan(Math.max(...before.conversations));
    });
  });

  it('refuses to copy into a database that holds a chat, and changes nothing there', async () => {
    const held = await counts(target);
    await expect(migrate('--from', source.dbPath, '--to', target.options.database)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Nothing was copied: the PostgreSQL database already holds a chat (5 users,'),
    });
    expect(await counts(target)).toEqual(held);
  });

  it('refuses a SQLite file that is not there', async () => {
    const missing = join(source.dir, 'missing.db');
    await expect(migrate('--from', missing, '--to', target.options.database)).rejects.toMatchObject({ code: 1, stderr: `Nothing was copied: No SQLite database at ${missing}\n` });
  });

  it('refuses a file an older server left, before touching the PostgreSQL database', async () => {
    const older = join(source.dir, 'older.db');
    copyFileSync(source.dbPath, older);
    const db = new Database(older);
    db.exec('DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)');
    db.close();
    const empty = await createPostgresDatabase(source.dir);
    try {
      await expect(migrate('--from', older, '--to', empty.options.database)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('was last opened by an older Hearth: start the server on it once'),
      });
      expect(await empty.all("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([]);
    } finally {
      await empty.drop();
    }
  });

  it('shows its usage when not told where to copy to', async () => {
    await expect(migrate('--from', source.dbPath)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run migrate-to-postgres') });
  });
});
