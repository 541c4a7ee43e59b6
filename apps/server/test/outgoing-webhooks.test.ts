import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, mentionToken, type User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Peer, startTestServer, type TestServer } from './support/harness.js';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: TestServer;
let receiver: Server;
let base: string;
/** What the receiver does with each request, by path; what it was sent, by path. */
const answers: Record<string, (res: ServerResponse, body: any) => void> = {};
const received: Record<string, Delivery[]> = {};
let owner: { user: User; token: string };
let o: Peer;
let lobbyId: number;

async function botWithEndpoint(nickname: string, path: string): Promise<{ bot: User; secret: string }> {
  const made = await o.request('create_bot', { nickname });
  if (made.type !== 'bot_key') throw new Error(made.type);
  const set = await o.request('set_bot_endpoint', { user_id: made.payload.user.id, url: `${base}${path}` });
  if (set.type !== 'bot_endpoint') throw new Error(`${set.type} ${JSON.stringify(set.payload)}`);
  return { bot: made.payload.user, secret: set.payload.secret! };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString();
      (received[req.url!] ??= []).push({ headers: req.headers, body });
      (answers[req.url!] ?? ((r) => r.writeHead(204).end()))(res, JSON.parse(body));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({ outboundAllowHosts: ['127.0.0.1'], outgoingWebhookBackoffMs: 20 });
  owner = await server.join('olive');
  o = await Peer.signIn(server.wsUrl, owner.token);
  lobbyId = o.seen('auth_ok')[0]!.payload.conversations[0]!.id;
});

afterAll(async () => {
  await o.close();
  await server.destroy();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('outgoing webhooks', () => {
  it('posts a mention to the bot’s endpoint, signed, and posts its answer as the bot’s reply', async () => {
    answers['/helper'] = (res, body) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ text: `You said: ${body.message.content.split(' ').at(-1)}` }));
    const { bot, secret } = await botWithEndpoint('Helper', '/helper');
    const sent = await o.request('send_message', { conversation_id: lobbyId, content: `${mentionToken(bot.id)} weather`, client_id: 'm1' });
    if (sent.type !== 'message') throw new Error(sent.type);
    const answer = await o.next('message', (e) => e.payload.user_id === bot.id);
    expect(answer.payload).toMatchObject({ content: 'You said: weather', reply_to: sent.payload.id });

    const [delivery] = received['/helper']!;
    const timestamp = Number(delivery!.headers['x-hearth-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery!.body}`).digest('hex')}`;
    expect(delivery!.headers['x-hearth-signature']).toBe(expected);
    expect(JSON.parse(delivery!.body)).toMatchObject({ bot_id: bot.id, message: { id: sent.payload.id }, conversation: { id: lobbyId, type: 'lobby' } });
  });

  it('tells a bot of a DM sent to it, and not of messages it is not in, nor of its own', async () => {
    const { bot } = await botWithEndpoint('Listener', '/listener');
    const dm = await o.request('create_dm', { user_id: bot.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    await o.request('send_message', { conversation_id: lobbyId, content: 'nobody in particular', client_id: 'm2' });
    await o.request('send_message', { conversation_id: dm.payload.conversation.id, content: 'just between us', client_id: 'm3' });
    await eventually(async () => (received['/listener']?.length === 1 ? true : undefined), 'the DM to be delivered');
    await server.consumersCaughtUp();
    expect(received['/listener']!.map((d) => JSON.parse(d.body).message.content)).toEqual(['just between us']);
  });

  it('tries a failing endpoint again, then gives up', async () => {
    answers['/broken'] = (res) => res.writeHead(500).end();
    const { bot } = await botWithEndpoint('Broken', '/broken');
    await o.request('send_message', { conversation_id: lobbyId, content: `${mentionToken(bot.id)} are you there?`, client_id: 'm4' });
    // The first try and three more, 20, 80 and 320 ms apart.
    await eventually(async () => (received['/broken']?.length === 4 ? true : undefined), 'four tries');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(received['/broken']).toHaveLength(4);
  });

  it('refuses an endpoint the server would never send to, and is for admins', async () => {
    const made = await o.request('create_bot', { nickname: 'Nowhere' });
    if (made.type !== 'bot_key') throw new Error(made.type);
    for (const url of ['http://example.org/hook', 'https://10.0.0.1/hook', 'https://localhost/hook', 'not a url']) {
      const refused = await o.request('set_bot_endpoint', { user_id: made.payload.user.id, url });
      expect(refused.type === 'error' && refused.payload.code, url).toBe(ErrorCode.InvalidEndpoint);
    }
    const member = await server.join('milo');
    const m = await Peer.signIn(server.wsUrl, member.token);
    const notAdmin = await m.request('set_bot_endpoint', { user_id: made.payload.user.id, url: `${base}/x` });
    expect(notAdmin.type === 'error' && notAdmin.payload.code).toBe(ErrorCode.Forbidden);
    await m.close();
  });
});
