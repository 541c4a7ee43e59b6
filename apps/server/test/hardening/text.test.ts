import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, redeem, startTestServer, type TestServer } from '../support/harness.js';

// The attack from issue 12: lone UTF-16 surrogates ("\ud800" escapes, which JSON.parse turns into half a character)
// were stored as invalid UTF-8, five users shared one visible name, and other SQLite readers could not decode the
// users table; look-alike letters from other scripts made nicknames nobody could tell from an existing one.

let server: TestServer;
let lobbyId: number;
let alice: Peer;

const codeOf = (url: string) => url.split('/join/')[1]!;
const freshCode = async () => codeOf(await server.createInvite());

/** Posts a body exactly as written, so an escape reaches the server as the client typed it. */
async function redeemRaw(code: string, body: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/invites/${code}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: res.status, body: await res.json() };
}

/** Every text column of a table, read as the bytes the database stores, decoded as strict UTF-8. */
async function undecodable(table: string, columns: string[]): Promise<string[]> {
  const bytesOf = (column: string) => (server.db.dialect === 'sqlite' ? `CAST(${column} AS BLOB)` : `convert_to(${column}, 'UTF8')`);
  const rows = await server.db.all<Record<string, Buffer | null>>(`SELECT ${columns.map((c) => `${bytesOf(c)} AS ${c}`).join(', ')} FROM ${table}`);
  const strict = new TextDecoder('utf-8', { fatal: true });
  const bad: string[] = [];
  for (const row of rows) {
    for (const column of columns) {
      const bytes = row[column];
      if (bytes === null || bytes === undefined) continue;
      try {
        strict.decode(bytes);
      } catch {
        bad.push(`${table}.${column}: ${bytes.toString('hex')}`);
      }
    }
  }
  return bad;
}

async function nicknames(): Promise<string[]> {
  return (await server.db.all<{ nickname: string }>('SELECT nickname FROM users ORDER BY id')).map((r) => r.nickname);
}

beforeAll(async () => {
  server = await startTestServer();
  const first = await server.join('alice');
  await server.join('eve');
  await server.join('ceo');
  await server.join('Isaac');
  alice = await Peer.signIn(server.wsUrl, first.token);
  lobbyId = alice.seen('auth_ok')[0]!.payload.conversations[0]!.id;
});
afterAll(async () => {
  await alice.close();
  await server.destroy();
});

describe('nicknames with lone surrogates', () => {
  it('refuses five spellings of one name made different by half a character, and keeps each invite unused', async () => {
    const code = await freshCode();
    for (const nickname of ['eve\ud800', 'eve\udbff', 'eve\udc00', 'eve\udfff', '\ud83de\ud83dve']) {
      const res = await redeem(server.url, code, nickname);
      expect(res.status, JSON.stringify(nickname)).toBe(400);
      expect(res.body.error.code).toBe('invalid_nickname');
    }
    const raw = await redeemRaw(code, '{"nickname":"eve\\ud800"}');
    expect(raw.status).toBe(400);
    expect(raw.body.error).toEqual({ code: 'invalid_nickname', message: 'A nickname must be valid Unicode text' });
    expect((await redeem(server.url, code, 'mallory')).status).toBe(201);
    expect((await nicknames()).filter((n) => n.startsWith('eve'))).toEqual(['eve']);
  });
});

describe('nicknames that look like an existing one', () => {
  it.each([
    ['a Cyrillic а for the Latin a', '\u0430lice'],
    ['a Cyrillic А for the capital A', '\u0410lice'],
    ['a Ukrainian і for the Latin i', 'al\u0456ce'],
    ['a Greek ο among Latin letters', 'e\u03bfe'],
  ])('refuses %s, a mix of scripts, with invalid_nickname', async (_, nickname) => {
    const res = await redeem(server.url, await freshCode(), nickname);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_nickname');
  });

  it.each([
    ['a name spelt wholly in Cyrillic look-alikes', 'ceo', '\u0441\u0435\u043e'],
    ['a Ukrainian і and other Cyrillic look-alikes', 'Isaac', '\u0406\u0455\u0430\u0430\u0441'],
    ['a digit zero for the letter o', 'ceo', 'CE0'],
    ['mathematical bold letters', 'alice', '\u{1D41A}\u{1D425}\u{1D422}\u{1D41C}\u{1D41E}'],
    ['a variation selector, which draws nothing after a letter', 'eve', 'eve\ufe0f'],
  ])('refuses %s as nickname_taken: it is the same name as %j', async (_, existing, nickname) => {
    const res = await redeem(server.url, await freshCode(), nickname);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('nickname_taken');
    expect(await nicknames()).toContain(existing);
  });

  it('refuses private-use and unassigned characters, which no reader can compare', async () => {
    const code = await freshCode();
    for (const nickname of ['alice\ue000', '\uf8ff', 'eve\u0378']) {
      const res = await redeem(server.url, code, nickname);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_nickname');
    }
  });

  it('still lets people in whose names are written in one script, or in the scripts written together', async () => {
    for (const nickname of ['Иван', 'Δημήτρης', '山田たろう', 'Zoë']) {
      expect((await redeem(server.url, await freshCode(), nickname)).status, nickname).toBe(201);
    }
  });
});

describe('message content', () => {
  it('refuses content with a lone surrogate as invalid_payload, pointing at the content, and stores nothing', async () => {
    for (const content of ['hi \ud800', '\udc00', 'fine\ud83d']) {
      const reply = await alice.request('send_message', { conversation_id: lobbyId, content, client_id: `s-${content.length}-${content.charCodeAt(content.length - 1)}` });
      expect(reply).toMatchObject({ type: 'error', payload: { code: 'invalid_payload', path: '/payload/content' } });
    }
    alice.sendRaw('{"type":"send_message","id":"raw","payload":{"conversation_id":' + lobbyId + ',"content":"x\\udfff","client_id":"raw"}}');
    expect(await alice.waitFor((e) => e.id === 'raw')).toMatchObject({ type: 'error', payload: { code: 'invalid_payload' } });
  });

  it('refuses a client_id with a lone surrogate, since it is stored too', async () => {
    const reply = await alice.request('send_message', { conversation_id: lobbyId, content: 'hello', client_id: 'c\ud800' });
    expect(reply).toMatchObject({ type: 'error', payload: { code: 'invalid_payload', path: '/payload/client_id' } });
  });

  it.each([
    ['zero-width spaces', '\u200b\u200b\u200b'],
    ['word joiners and byte order marks', '\u2060\ufeff\u2060'],
    ['Hangul fillers and spaces', '\u3164 \u3164'],
    ['bidi overrides and line breaks', '\u202e\n\u2066\n\u2069'],
  ])('refuses content made only of %s as content_empty', async (_, content) => {
    const reply = await alice.request('send_message', { conversation_id: lobbyId, content, client_id: `blank-${content.charCodeAt(0)}` });
    expect(reply).toMatchObject({ type: 'error', payload: { code: 'content_empty', path: '/payload/content' } });
  });

  it('stores content with visible text among invisible characters', async () => {
    const reply = await alice.request('send_message', { conversation_id: lobbyId, content: '\u200bhi\u200b', client_id: 'visible' });
    expect(reply).toMatchObject({ type: 'message', payload: { content: '\u200bhi\u200b' } });
  });
});

describe('the database after the attack', () => {
  it('holds only valid UTF-8 in the users and messages tables', async () => {
    expect(await undecodable('users', ['nickname', 'nickname_key'])).toEqual([]);
    expect(await undecodable('messages', ['content', 'client_id'])).toEqual([]);
    expect(await server.db.all('SELECT count(*) AS n FROM messages')).toEqual([{ n: 1 }]);
  });
});
