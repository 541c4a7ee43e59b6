import { Validator } from '@seriousme/openapi-schema-validator';
import { Value } from 'typebox/value';
import { API_BODY_MAX_BYTES, ErrorCode, type Message } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from '../support/harness.js';

type Account = { user: { id: number; nickname: string }; token: string };

let server: TestServer;
let alice: Account;
let bob: Account;
let carol: Account;
let b: Peer;
let lobbyId: number;
let dmId: number;

/** A request as `curl` would make it: JSON in and out, the token as a Bearer token. */
async function call(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol] = [await server.join('alice'), await server.join('bob'), await server.join('carol')];
  b = await Peer.signIn(server.wsUrl, bob.token);
  lobbyId = b.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const dm = await b.request('create_dm', { user_id: alice.user.id });
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  dmId = dm.payload.conversation.id;
});

afterAll(async () => {
  await b.close();
  await server.destroy();
});

describe('the HTTP API', () => {
  it('posts a message with a token that members hear live and read in history, and a retry stores it once', async () => {
    const posted = await call('POST', `/api/conversations/${dmId}/messages`, alice.token, { content: 'Deploy finished ✅', client_id: 'ci-42' });
    expect(posted.status).toBe(201);
    const message = posted.body as Message;
    expect(message).toMatchObject({ conversation_id: dmId, user_id: alice.user.id, content: 'Deploy finished ✅', client_id: 'ci-42' });
    expect((await b.next('message', (e) => e.payload.id === message.id)).payload.content).toBe('Deploy finished ✅');

    const retried = await call('POST', `/api/conversations/${dmId}/messages`, alice.token, { content: 'Deploy finished ✅', client_id: 'ci-42' });
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(message.id);
    const history = await call('GET', `/api/conversations/${dmId}/messages?limit=10`, bob.token);
    expect(history.status).toBe(200);
    expect(history.body.messages.filter((m: Message) => m.client_id === 'ci-42')).toHaveLength(1);
  });

  it('lists the caller’s conversations, and lets nobody read or post in a conversation they are not in', async () => {
    const listed = await call('GET', '/api/conversations', carol.token);
    expect(listed.body.conversations.map((c: { id: number }) => c.id)).toEqual([lobbyId]);
    for (const [method, body] of [['GET', undefined], ['POST', { content: 'let me in' }]] as const) {
      const refused = await call(method, `/api/conversations/${dmId}/messages`, carol.token, body);
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe(ErrorCode.ConversationNotFound);
    }
  });

  it('edits, reacts to and deletes the caller’s message, and refuses someone else’s', async () => {
    const message = (await call('POST', `/api/conversations/${lobbyId}/messages`, alice.token, { content: 'build #7 failed' })).body as Message;
    const edited = await call('PATCH', `/api/messages/${message.id}`, alice.token, { content: 'build #7 passed on retry' });
    expect(edited.body.content).toBe('build #7 passed on retry');
    expect((await b.next('message_updated', (e) => e.payload.message.id === message.id)).payload.message.edited_at).toBeDefined();
    const reacted = await call('POST', `/api/messages/${message.id}/reactions`, bob.token, { emoji: '🎉' });
    expect(reacted.body.reactions).toEqual([{ emoji: '🎉', user_ids: [bob.user.id] }]);
    const theirs = await call('PATCH', `/api/messages/${message.id}`, bob.token, { content: 'mine now' });
    expect([theirs.status, theirs.body.error.code]).toEqual([403, ErrorCode.NotYourMessage]);
    const deleted = await call('DELETE', `/api/messages/${message.id}`, alice.token);
    expect(deleted.body.deleted).toBe(true);
  });

  it('refuses a revoked token at once', async () => {
    const device = await server.join('dave');
    expect((await call('GET', '/api/conversations', device.token)).status).toBe(200);
    const peer = await Peer.signIn(server.wsUrl, device.token);
    const sessions = await peer.request('list_sessions', {});
    if (sessions.type !== 'sessions') throw new Error(sessions.type);
    await peer.request('revoke_session', { session_id: sessions.payload.sessions[0]!.id });
    await peer.close();
    const refused = await call('POST', `/api/conversations/${lobbyId}/messages`, device.token, { content: 'still here?' });
    expect([refused.status, refused.body.error.code]).toEqual([401, ErrorCode.InvalidToken]);
  });

  it('answers bad requests with a coded 4xx and keeps serving', async () => {
    const path = `/api/conversations/${lobbyId}/messages`;
    const cases: [unknown, Record<string, string>, number, string][] = [
      ['{"content": ', {}, 400, ErrorCode.InvalidJson],
      [{ content: 42 }, {}, 400, ErrorCode.InvalidPayload],
      [{ content: 'hi', extra: true }, {}, 400, ErrorCode.InvalidPayload],
      [{ content: '' }, {}, 400, ErrorCode.ContentEmpty],
      [{ content: 'x'.repeat(API_BODY_MAX_BYTES + 1) }, {}, 413, ErrorCode.BodyTooLarge],
      ['content=hi', { 'Content-Type': 'application/x-www-form-urlencoded' }, 400, ErrorCode.InvalidJson],
    ];
    for (const [body, headers, status, code] of cases) {
      const answer = await call('POST', path, alice.token, body, headers);
      expect([answer.status, answer.body?.error?.code], JSON.stringify(body).slice(0, 40)).toEqual([status, code]);
    }
    expect((await call('POST', path, undefined, { content: 'hi' })).status).toBe(401);
    expect((await call('PUT', path, alice.token, { content: 'hi' })).status).toBe(405);
    expect((await call('GET', `/api/conversations/${lobbyId}/messages?limit=0`, alice.token)).body.error.code).toBe(ErrorCode.InvalidPayload);
    expect((await call('POST', path, alice.token, { content: 'still serving' })).status).toBe(201);
  });

  it('serves an OpenAPI 3.1 document that validates, and every route in it answers as it says', async () => {
    const served = await call('GET', '/api/openapi.json', undefined);
    const document = served.body as { openapi: string; paths: Record<string, Record<string, any>> };
    const validation = await new Validator().validate(document as never);
    expect(validation.errors).toBeUndefined();
    expect(validation.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');

    const message = (await call('POST', `/api/conversations/${lobbyId}/messages`, alice.token, { content: 'for the walk' })).body as Message;
    const ids: Record<string, number> = { conversation_id: lobbyId, message_id: message.id };
    const bodies: Record<string, unknown> = {
      'post /api/conversations/{conversation_id}/messages': { content: 'walking the API' },
      'patch /api/messages/{message_id}': { content: 'walked' },
      'post /api/messages/{message_id}/reactions': { emoji: '👍' },
    };
    const walked: string[] = [];
    // Deleting goes last: the message it deletes is the one the others act on.
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    operations.sort((x, y) => Number(x.method === 'delete') - Number(y.method === 'delete'));
    for (const { path, method, op } of operations) {
      const key = `${method} ${path}`;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => String(ids[name]));
      const answer =
        path === '/api/files'
          ? await fetch(`${server.url}${url}?name=notes.txt`, { method: 'POST', headers: { Authorization: `Bearer ${alice.token}` }, body: 'notes' }).then(async (r) => ({ status: r.status, body: await r.json() }))
          : await call(method.toUpperCase(), url, alice.token, bodies[key]);
      const [status, described] = Object.entries(op.responses as Record<string, any>).find(([code]) => code.startsWith('2'))!;
      expect(answer.status, key).toBe(Number(status));
      expect(Value.Check(described.content['application/json'].schema, answer.body), key).toBe(true);
      // Its errors are documented too: without a token, every route says 401 in the documented shape.
      expect(op.responses['401'], key).toBeDefined();
      walked.push(key);
    }
    expect(walked).toHaveLength(7);
  });
});
