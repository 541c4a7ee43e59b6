import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, mentionToken, type PushNotification } from '@hearth/protocol';
import ece from 'http_ece';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';

/** A push service on loopback: records what it is sent, and answers each endpoint with the status a test sets. */
class PushService {
  readonly received: { path: string; body: Buffer; headers: Record<string, string | string[] | undefined> }[] = [];
  readonly status = new Map<string, number>();
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ path: req.url!, body: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(this.status.get(req.url!) ?? 201).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  to(path: string) {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A browser's side of a push subscription: the keys the server encrypts for, and the decryption a browser does. */
class Device {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly auth = randomBytes(16).toString('base64url');
  readonly keys: { p256dh: string; auth: string };

  constructor(
    readonly endpoint: string,
    readonly path: string,
  ) {
    this.ecdh.generateKeys();
    this.keys = { p256dh: this.ecdh.getPublicKey().toString('base64url'), auth: this.auth };
  }

  read(body: Buffer): PushNotification {
    return JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: this.ecdh, authSecret: this.auth }).toString('utf8')) as PushNotification;
  }
}

let server: TestServer;
const service = new PushService();
let tokens: Record<'ann' | 'ben' | 'cat', string>;
let ids: Record<'ann' | 'ben' | 'cat', number>;
let lobbyId: number;
let dmId: number;
let sent = 0;

function device(name: string): Device {
  return new Device(`http://127.0.0.1:${service.port}/push/${name}`, `/push/${name}`);
}

async function subscribe(token: string, phone: Device): Promise<void> {
  const peer = await Peer.signIn(server.wsUrl, token);
  const reply = await peer.request('subscribe_push', { endpoint: phone.endpoint, keys: phone.keys });
  expect(reply).toMatchObject({ type: 'push_updated', payload: { endpoint: phone.endpoint, subscribed: true } });
  await peer.close();
}

async function say(token: string, conversationId: number, content: string): Promise<void> {
  const peer = await Peer.signIn(server.wsUrl, token);
  await peer.request('send_message', { conversation_id: conversationId, content, client_id: `push-${sent++}` });
  await peer.close();
}

const subscriptionCount = async (endpoint: string): Promise<number> =>
  (await server.db.all<{ n: number }>('SELECT count(*) AS n FROM push_subscriptions WHERE endpoint = ?', endpoint))[0]!.n;

beforeAll(async () => {
  await service.start();
  server = await startTestServer({ insecurePushHosts: ['127.0.0.1'] });
  const [ann, ben, cat] = [await server.join('ann'), await server.join('ben'), await server.join('cat')];
  tokens = { ann: ann.token, ben: ben.token, cat: cat.token };
  ids = { ann: ann.user.id, ben: ben.user.id, cat: cat.user.id };
  const a = await Peer.signIn(server.wsUrl, ann.token);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const dm = await a.request('create_dm', { user_id: ben.user.id });
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  dmId = dm.payload.conversation.id;
  expect(a.seen('auth_ok')[0]!.payload.push_key).toMatch(/^[A-Za-z0-9_-]{87}$/);
  await a.close();
});
afterAll(async () => {
  await server.destroy();
  await service.stop();
});

describe('Web Push', () => {
  it('sends a DM to the member with no connection open, encrypted for their device', async () => {
    const phone = device('ann-phone');
    await subscribe(tokens.ann, phone);
    await say(tokens.ben, dmId, `are you around, ${mentionToken(ids.ann)}?`);
    await expect.poll(() => service.to(phone.path).length).toBe(1);
    const push = service.to(phone.path)[0]!;
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(String(push.headers.authorization)).toMatch(/^vapid t=/);
    expect(phone.read(push.body)).toEqual({ conversation_id: dmId, message_id: expect.any(Number), title: 'ben', body: 'ben: are you around, @ann?' });
    // Nothing readable travels: the text is not in the body as sent.
    expect(push.body.includes(Buffer.from('around'))).toBe(false);
  });

  it('sends nothing to someone with a connection open', async () => {
    const phone = device('ben-phone');
    await subscribe(tokens.ben, phone);
    const online = await Peer.signIn(server.wsUrl, tokens.ben);
    await say(tokens.ann, dmId, 'you are here anyway');
    await online.next('message', (e) => e.payload.content === 'you are here anyway');
    await settle(300);
    expect(service.to(phone.path)).toEqual([]);
    await online.close();
    await say(tokens.ann, dmId, 'and now you are gone');
    await expect.poll(() => service.to(phone.path).length).toBe(1);
  });

  it('follows the notify level: the lobby notifies of mentions only, and a muted DM of nothing', async () => {
    const phone = device('cat-phone');
    await subscribe(tokens.cat, phone);
    await say(tokens.ann, lobbyId, 'lobby chatter');
    await say(tokens.ann, lobbyId, `${mentionToken(ids.cat)} your turn`);
    await expect.poll(() => service.to(phone.path).length).toBe(1);
    expect(phone.read(service.to(phone.path)[0]!.body)).toMatchObject({ title: 'Lobby', body: 'ann: @cat your turn' });

    const annPhone = service.to('/push/ann-phone').length;
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    await ann.request('set_notify', { conversation_id: dmId, notify: 'none' });
    await ann.close();
    await say(tokens.ben, dmId, 'muted, so no push');
    await settle(300);
    expect(service.to('/push/ann-phone')).toHaveLength(annPhone);
  });

  it('deletes a subscription the push service says is gone', async () => {
    const old = device('cat-old-phone');
    await subscribe(tokens.cat, old);
    service.status.set(old.path, 410);
    expect(await subscriptionCount(old.endpoint)).toBe(1);
    await say(tokens.ben, lobbyId, `${mentionToken(ids.cat)} still there?`);
    await expect.poll(() => service.to(old.path).length).toBe(1);
    await expect.poll(() => subscriptionCount(old.endpoint)).toBe(0);
    await say(tokens.ben, lobbyId, `${mentionToken(ids.cat)} hello?`);
    await expect.poll(() => service.to('/push/cat-phone').length).toBe(3);
    expect(service.to(old.path)).toHaveLength(1);
  });

  it('stops when the device unsubscribes', async () => {
    const phone = device('ann-laptop');
    await subscribe(tokens.ann, phone);
    const peer = await Peer.signIn(server.wsUrl, tokens.ann);
    const reply = await peer.request('unsubscribe_push', { endpoint: phone.endpoint });
    expect(reply).toMatchObject({ type: 'push_updated', payload: { subscribed: false } });
    await peer.close();
    expect(await subscriptionCount(phone.endpoint)).toBe(0);
  });

  it('refuses endpoints that would make the server post into its own network', async () => {
    const peer = await Peer.signIn(server.wsUrl, tokens.cat);
    const keys = device('x').keys;
    for (const endpoint of ['http://push.example/x', 'https://10.0.0.1/x', 'https://localhost/x', 'https://[::1]/x', 'https://user:pw@push.example/x', 'ftp://push.example/x', 'not a url', 'https://printer.local/x']) {
      const reply = await peer.request('subscribe_push', { endpoint, keys });
      expect(reply.type === 'error' && reply.payload.code, endpoint).toBe(ErrorCode.InvalidPushSubscription);
    }
    await peer.close();
  });
});
