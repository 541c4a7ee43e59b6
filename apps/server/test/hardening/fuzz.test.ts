import fc from 'fast-check';
import {
  CloseCode,
  ERROR_CODES,
  parseClientEvent,
  parseServerEvent,
  parseStream,
  REPLY_TYPE,
  type ClientEventType,
  type ServerEventType,
} from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { frameText, oddString } from './support/frames.js';
import { RawSocket, type Outcome } from './support/raw.js';

const documentedCloses: number[] = Object.values(CloseCode);

/**
 * What the server does next in answer to the socket's frames. Presence news answers nothing: after a reconnect, the
 * user's own coming online is told a window later, to the new socket too, whenever that window ends.
 */
async function nextAnswer(socket: RawSocket): Promise<Outcome> {
  for (;;) {
    const outcome = await socket.next();
    if (!('frame' in outcome)) return outcome;
    const type: unknown = JSON.parse(outcome.frame).type;
    if (type !== 'user_online' && type !== 'user_offline') return outcome;
  }
}
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
    // Each waits for its own reply, past any presence news: a change still being stored when this socket closes
    // would reach the next one live, and be taken for the answer to a frame of the stream.
    const request = async (type: string, payload: unknown) => {
      socket.send(JSON.stringify({ type, payload, id: 'setup' }));
      while (!isReply(await socket.next()));
    };
    const isReply = (outcome: Outcome) => 'frame' in outcome && JSON.parse(outcome.frame).id === 'setup';
    await request('create_dm', { user_id: bob.user.id });
    await request('create_group', { user_ids: [bob.user.id] });
    for (let i = 0; i < 20; i++) await request('send_message', { conversation_id: 1 + (i % 3), content: `before ${i} ✓`, client_id: `b${i}` });
    socket.close();
    stored = await readMessages(server);
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
        socket.send(silent ? JSON.stringify({ type: 'ping', payload: {}, id: 'after-typing' }) : text);
        const outcome = await nextAnswer(socket);
        if (silent && 'frame' in outcome && JSON.parse(outcome.frame).id === 'after-typing') {
          answers.set('typing passed on', (answers.get('typing passed on') ?? 0) + 1);
          return;
        }
        if (silent && 'frame' in outcome) await nextAnswer(socket);
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
        // A group change that changed something is told in the group by a line, which the one who made it, a member
        // still, hears after the reply.
        if (event.type === 'conversation_updated' && event.stream !== undefined && parseStream(event.stream)?.kind === 'conversation') {
          const line = await nextAnswer(socket);
          expect('frame' in line && JSON.parse(line.frame)).toMatchObject({ type: 'message', payload: { event: expect.anything() } });
        }
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

    // SQLite's own check of its file; PostgreSQL checks its pages as it reads them.
    if (server.db.dialect === 'sqlite') expect(await server.db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const after = await readMessages(server);
    expect(after.slice(0, stored.length)).toEqual(stored);
    // Ten thousand round trips: alone a few seconds, on a busy machine with PostgreSQL far longer.
  }, 300_000);
});

function readMessages(server: TestServer): Promise<unknown[]> {
  return server.db.all('SELECT * FROM messages ORDER BY id');
}
