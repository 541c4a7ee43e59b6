import Database from 'better-sqlite3';
import fc from 'fast-check';
import {
  CloseCode,
  ERROR_CODES,
  parseClientEvent,
  parseServerEvent,
  REPLY_TYPE,
  type ClientEventType,
  type ServerEventType,
} from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { frameText, oddString } from './support/frames.js';
import { RawSocket } from './support/raw.js';

const documentedCloses: number[] = Object.values(CloseCode);
// Past sign-in, `auth` is refused with `already_authenticated`; every other request gets its usual reply.
const replyTo: Record<ClientEventType, ServerEventType> = { ...REPLY_TYPE, auth: 'error', typing: 'error' };

describe('parsing hostile frames', () => {
  it('parseClientEvent never throws and refuses with a documented code whatever it is given', () => {
    let tried = 0;
    fc.assert(
      fc.property(frameText, (text) => {
        tried += 1;
        const result = parseClientEvent(text);
        if (result.ok) expect(Object.keys(replyTo)).toContain(result.event.type);
        else expect(ERROR_CODES).toContain(result.error.code);
      }),
      { numRuns: 20_000 },
    );
    console.log(`parseClientEvent: ${tried} frames tried`);
    expect(tried).toBe(20_000);
  });

  it('parseServerEvent never throws on frames a broken server might send', () => {
    let tried = 0;
    fc.assert(
      fc.property(fc.oneof(frameText, fc.jsonValue().map((v) => JSON.stringify(v)), oddString), (text) => {
        tried += 1;
        const result = parseServerEvent(text);
        if (!result.ok) expect(ERROR_CODES).toContain(result.error.code);
      }),
      { numRuns: 3_000 },
    );
    console.log(`parseServerEvent: ${tried} frames tried`);
    expect(tried).toBe(3_000);
  });
});

describe('a live server under a stream of hostile frames', () => {
  let server: TestServer;
  let alice: { token: string; user: { id: number } };
  let stored: unknown[];

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.join('alice');
    const bob = await server.join('bob');
    await server.join('carol');
    const { socket } = await RawSocket.signIn(server.wsUrl, alice.token);
    await socket.exchange(JSON.stringify({ type: 'create_dm', payload: { user_id: bob.user.id } }));
    await socket.exchange(JSON.stringify({ type: 'create_group', payload: { user_ids: [bob.user.id] } }));
    for (let i = 0; i < 20; i++) {
      await socket.exchange(JSON.stringify({ type: 'send_message', payload: { conversation_id: 1 + (i % 3), content: `before ${i} ✓`, client_id: `b${i}` } }));
    }
    socket.close();
    stored = readMessages(server.dbPath);
  });
  afterAll(() => server.destroy());

  it('answers every frame with its documented error or reply, stays up and keeps the database whole', async () => {
    let { socket } = await RawSocket.signIn(server.wsUrl, alice.token);
    let tried = 0;
    const answers = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(frameText, async (text) => {
        tried += 1;
        // What the server reads: a text frame is UTF-8, so lone surrogates arrive as U+FFFD.
        const expected = parseClientEvent(Buffer.from(text).toString());
        // `typing` has no reply when it is accepted: a ping after it shows that nothing came back for it.
        const silent = expected.ok && expected.event.type === 'typing';
        if (silent) socket.send(text);
        const outcome = await socket.exchange(silent ? JSON.stringify({ type: 'ping', payload: {}, id: 'after-typing' }) : text);
        if (silent && 'frame' in outcome && JSON.parse(outcome.frame).id === 'after-typing') {
          answers.set('typing passed on', (answers.get('typing passed on') ?? 0) + 1);
          return;
        }
        if (silent && 'frame' in outcome) await socket.next();
        if ('closed' in outcome) {
          expect(documentedCloses).toContain(outcome.closed);
          ({ socket } = await RawSocket.signIn(server.wsUrl, alice.token));
          return;
        }
        const reply = parseServerEvent(outcome.frame);
        if (!reply.ok) throw new Error(`server sent an invalid frame: ${outcome.frame}`);
        const event = reply.event;
        const kind = event.type === 'error' ? event.payload.code : event.type;
        answers.set(kind, (answers.get(kind) ?? 0) + 1);
        if (!expected.ok) {
          expect(event.type).toBe('error');
          expect(event.type === 'error' && event.payload.code).toBe(expected.error.code);
          expect(event.id).toBe(expected.error.id);
          return;
        }
        expect(event.id).toBe(expected.event.id);
        if (event.type === 'error') expect(ERROR_CODES).toContain(event.payload.code);
        else expect(event.type).toBe(replyTo[expected.event.type]);
      }),
      { numRuns: 10_000 },
    );
    console.log(`live server: ${tried} frames tried; answers: ${JSON.stringify(Object.fromEntries(answers))}`);
    expect(tried).toBe(10_000);
    // The stream must reach past the parser, or the dispatcher went untested.
    const refusedByParser = new Set(['invalid_json', 'invalid_frame', 'unknown_type', 'invalid_payload', 'content_empty', 'content_too_long']);
    const dispatched = [...answers].filter(([kind]) => !refusedByParser.has(kind)).reduce((sum, [, n]) => sum + n, 0);
    expect(dispatched).toBeGreaterThan(100);
    // About one frame in ten is a send: dozens of them are valid in a run; far fewer means they stopped reaching storage.
    expect(answers.get('message')).toBeGreaterThan(8);
    socket.close();

    const fresh = await RawSocket.signIn(server.wsUrl, alice.token);
    const sent = await fresh.socket.exchange(JSON.stringify({ type: 'send_message', payload: { conversation_id: 1, content: 'still here', client_id: 'after' }, id: 'a' }));
    expect('frame' in sent && JSON.parse(sent.frame)).toMatchObject({ type: 'message', id: 'a', payload: { content: 'still here' } });
    fresh.socket.close();

    const db = new Database(server.dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const after = readMessages(server.dbPath);
    expect(after.slice(0, stored.length)).toEqual(stored);
  });
});

function readMessages(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT * FROM messages ORDER BY id').all();
  db.close();
  return rows;
}
