import { CloseCode, ErrorCode, type User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

type Account = { user: User; token: string };

let server: TestServer;
let owner: Account;
let member: Account;
let o: Peer;
let m: Peer;
let lobbyId: number;

/** A request to the HTTP API with a key, as a script would make it. */
async function post(path: string, token: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

async function createBot(nickname: string): Promise<{ user: User; token: string }> {
  const made = await o.request('create_bot', { nickname });
  if (made.type !== 'bot_key') throw new Error(`${made.type} ${JSON.stringify(made.payload)}`);
  return made.payload;
}

beforeAll(async () => {
  server = await startTestServer({ sendBurstPerUser: 3, sendsPerSecondPerUser: 0.01 });
  [owner, member] = [await server.join('olive'), await server.join('milo')];
  [o, m] = await Promise.all([Peer.signIn(server.wsUrl, owner.token), Peer.signIn(server.wsUrl, member.token)]);
  lobbyId = o.seen('auth_ok')[0]!.payload.conversations[0]!.id;
});

afterAll(async () => {
  await Promise.all([o.close(), m.close()]);
  await server.destroy();
});

describe('bot accounts', () => {
  it('an admin makes a bot, which everyone hears of as a bot, and whose key posts in the lobby', async () => {
    const bot = await createBot('Deploybot');
    expect(bot.user.role).toBe('bot');
    expect((await m.next('user_joined', (e) => e.payload.user.id === bot.user.id)).payload.user.role).toBe('bot');
    const posted = await post(`/api/conversations/${lobbyId}/messages`, bot.token, { content: 'v1.4 is live' });
    expect(posted.status).toBe(201);
    expect((await m.next('message', (e) => e.payload.id === posted.body.id)).payload.user_id).toBe(bot.user.id);
  });

  it('refuses a member who is not an admin', async () => {
    const refused = await m.request('create_bot', { nickname: 'Sneaky' });
    expect(refused.type === 'error' && refused.payload.code).toBe(ErrorCode.Forbidden);
  });

  it('a bot reads and posts only where it is a member, as anyone', async () => {
    const bot = await createBot('Helper');
    const dm = await o.request('create_dm', { user_id: member.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const outside = await post(`/api/conversations/${dm.payload.conversation.id}/messages`, bot.token, { content: 'hello?' });
    expect([outside.status, outside.body.error.code]).toEqual([404, ErrorCode.ConversationNotFound]);
    const group = await o.request('create_group', { user_ids: [member.user.id, bot.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    expect((await post(`/api/conversations/${group.payload.conversation.id}/messages`, bot.token, { content: 'hello, group' })).status).toBe(201);
  });

  it('a new key stops the old one at once and closes its connections; a deleted bot’s key stops too', async () => {
    const bot = await createBot('Rotor');
    const connected = await Peer.signIn(server.wsUrl, bot.token);
    const rotated = await o.request('rotate_bot_key', { user_id: bot.user.id });
    if (rotated.type !== 'bot_key') throw new Error(rotated.type);
    expect(rotated.payload.token).not.toBe(bot.token);
    expect(await connected.closed).toBe(CloseCode.SessionRevoked);
    expect((await post(`/api/conversations/${lobbyId}/messages`, bot.token, { content: 'old key' })).status).toBe(401);
    expect((await post(`/api/conversations/${lobbyId}/messages`, rotated.payload.token, { content: 'new key' })).status).toBe(201);

    const deleted = await o.request('deactivate_user', { user_id: bot.user.id });
    expect(deleted.type).toBe('user_updated');
    expect((await post(`/api/conversations/${lobbyId}/messages`, rotated.payload.token, { content: 'after delete' })).status).toBe(401);
  });

  it('renames a bot, and keeps bots and people apart', async () => {
    const bot = await createBot('Namer');
    const renamed = await o.request('rename_bot', { user_id: bot.user.id, nickname: 'Builder' });
    expect(renamed.type === 'user_updated' && renamed.payload.user.nickname).toBe('Builder');
    const person = await o.request('rename_bot', { user_id: member.user.id, nickname: 'Robo' });
    expect(person.type === 'error' && person.payload.code).toBe(ErrorCode.NotABot);
    const key = await o.request('rotate_bot_key', { user_id: member.user.id });
    expect(key.type === 'error' && key.payload.code).toBe(ErrorCode.NotABot);
    const promoted = await o.request('set_role', { user_id: bot.user.id, role: 'admin' });
    expect(promoted.type === 'error' && promoted.payload.code).toBe(ErrorCode.NotABot);
    const taken = await o.request('create_bot', { nickname: 'milo' });
    expect(taken.type === 'error' && taken.payload.code).toBe(ErrorCode.NicknameTaken);
  });

  it('limits a bot’s sends as a person’s are', async () => {
    const bot = await createBot('Chatty');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(`/api/conversations/${lobbyId}/messages`, bot.token, { content: `note ${i}` })).status);
    expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});

describe('incoming webhooks', () => {
  /** Posts a body to a webhook's URL, as a sender outside would. */
  async function deliver(url: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('posts a generic or a GitHub body into its conversation as its bot, once per delivery', async () => {
    const bot = await createBot('Hooky');
    const made = await o.request('create_webhook', { bot_id: bot.user.id, conversation_id: lobbyId });
    if (made.type !== 'webhook_created') throw new Error(made.type);
    const url = made.payload.url;
    expect(url).toMatch(/\/api\/hooks\/[A-Za-z0-9_-]{16,}$/);

    const plain = await deliver(url, { text: 'Backup finished: 2.1 GB' });
    expect(plain.status).toBe(201);
    const heard = await m.next('message', (e) => e.payload.id === plain.body.message_id);
    expect(heard.payload).toMatchObject({ user_id: bot.user.id, content: 'Backup finished: 2.1 GB' });

    const push = { ref: 'refs/heads/main', compare: 'https://github.com/o/r/compare/a...b', pusher: { name: 'ada' }, commits: [{ message: 'Fix the login page\n\nDetails' }, { message: 'Tidy' }] };
    const first = await deliver(url, push, { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 'd-1' });
    expect(first.status).toBe(201);
    expect((await m.next('message', (e) => e.payload.id === first.body.message_id)).payload.content).toBe(
      'ada pushed 2 commits to main: Fix the login page\nhttps://github.com/o/r/compare/a...b',
    );
    const again = await deliver(url, push, { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 'd-1' });
    expect([again.status, again.body.message_id]).toEqual([200, first.body.message_id]);
    expect((await deliver(url, { zen: 'Keep it simple' }, { 'X-GitHub-Event': 'ping' })).status).toBe(200);
    expect((await deliver(url, { nothing: true })).body.error.code).toBe(ErrorCode.InvalidPayload);
  });

  it('is for admins, for a bot in the conversation, and stops once deleted', async () => {
    const bot = await createBot('Hooker');
    const refused = await m.request('create_webhook', { bot_id: bot.user.id, conversation_id: lobbyId });
    expect(refused.type === 'error' && refused.payload.code).toBe(ErrorCode.Forbidden);
    const dm = await o.request('create_dm', { user_id: member.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const outside = await o.request('create_webhook', { bot_id: bot.user.id, conversation_id: dm.payload.conversation.id });
    expect(outside.type === 'error' && outside.payload.code).toBe(ErrorCode.ConversationNotFound);
    const person = await o.request('create_webhook', { bot_id: member.user.id, conversation_id: lobbyId });
    expect(person.type === 'error' && person.payload.code).toBe(ErrorCode.NotABot);

    const made = await o.request('create_webhook', { bot_id: bot.user.id, conversation_id: lobbyId });
    if (made.type !== 'webhook_created') throw new Error(made.type);
    const listed = await o.request('list_webhooks', {});
    expect(listed.type === 'webhooks' && listed.payload.webhooks[0]).toEqual(made.payload.webhook);
    const deleted = await o.request('delete_webhook', { webhook_id: made.payload.webhook.id });
    expect(deleted.type === 'webhooks' && deleted.payload.webhooks.some((w) => w.id === made.payload.webhook.id)).toBe(false);
    const gone = await deliver(made.payload.url, { text: 'still there?' });
    expect([gone.status, gone.body.error.code]).toEqual([404, ErrorCode.WebhookNotFound]);
    expect((await deliver(made.payload.url.replace(/[^/]+$/, 'A'.repeat(43)), { text: 'guess' })).status).toBe(404);
  });
});
