import { ErrorCode, mentionToken, type PushNotification } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '../src/outbound/guard.js';
import { Peer, settle, startTestServer, type TestServer } from './support/harness.js';
import { sample, scrape } from './support/metrics.js';
import { PNG, upload } from './support/files.js';
import { Device, PushService } from './support/push-service.js';

let server: TestServer;
const service = new PushService();
let tokens: Record<'ann' | 'ben' | 'cat', string>;
let ids: Record<'ann' | 'ben' | 'cat', number>;
let lobbyId: number;
let dmId: number;
let sent = 0;

/** DNS as these tests have it: `rebind.example` answers with loopback, as a name an attacker controls could. */
const resolve: Resolve = async (hostname) => {
  if (hostname === 'rebind.example') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' });
};

function device(name: string): Device {
  return new Device(`http://127.0.0.1:${service.port}/push/${name}`, `/push/${name}`);
}

async function subscribe(token: string, phone: Device, to = server): Promise<void> {
  const peer = await Peer.signIn(to.wsUrl, token);
  const reply = await peer.request('subscribe_push', { endpoint: phone.endpoint, keys: phone.keys });
  expect(reply).toMatchObject({ type: 'push_updated', payload: { endpoint: phone.endpoint, subscribed: true } });
  await peer.close();
}

async function say(token: string, conversationId: number, content: string, to = server): Promise<void> {
  const peer = await Peer.signIn(to.wsUrl, token);
  await peer.request('send_message', { conversation_id: conversationId, content, client_id: `push-${sent++}` });
  await peer.close();
}

/** The DM between the token's user and another, made on `on` by the first. */
async function dmBetween(on: TestServer, token: string, userId: number): Promise<number> {
  const peer = await Peer.signIn(on.wsUrl, token);
  const dm = await peer.request('create_dm', { user_id: userId });
  await peer.close();
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  return dm.payload.conversation.id;
}

const subscriptionCount = async (endpoint: string): Promise<number> =>
  (await server.db.all<{ n: number }>('SELECT count(*) AS n FROM push_subscriptions WHERE endpoint = ?', endpoint))[0]!.n;

beforeAll(async () => {
  await service.start();
  server = await startTestServer({ outboundAllowHosts: ['127.0.0.1'], outboundPorts: [443, service.port], outboundResolve: resolve });
  const [ann, ben, cat] = [await server.join('ann'), await server.join('ben'), await server.join('cat')];
  tokens = { ann: ann.token, ben: ben.token, cat: cat.token };
  ids = { ann: ann.user.id, ben: ben.user.id, cat: cat.user.id };
  const a = await Peer.signIn(server.wsUrl, ann.token);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  dmId = await dmBetween(server, ann.token, ben.user.id);
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
    const before = sample(await scrape(server.url), 'hearth_push_sends_total');
    await say(tokens.ben, dmId, `are you around, ${mentionToken(ids.ann)}?`);
    await expect.poll(() => service.to(phone.path).length).toBe(1);
    // Operators see it counted once the push service has answered.
    await expect.poll(async () => sample(await scrape(server.url), 'hearth_push_sends_total') - before).toBe(1);
    const push = service.to(phone.path)[0]!;
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(String(push.headers.authorization)).toMatch(/^vapid t=/);
    expect(push.headers.ttl).toBe(String(6 * 3600));
    expect(phone.read(push.body)).toEqual({ conversation_id: dmId, message_id: expect.any(Number), title: 'ben', body: 'ben: are you around, @ann?' });
    // Nothing readable travels: the text is not in the body as sent.
    expect(push.body.includes(Buffer.from('around'))).toBe(false);
  });

  it('says "📷 Photo" for a photo sent without a caption', async () => {
    const phone = device('ann-tablet');
    await subscribe(tokens.ann, phone);
    const uploaded = await upload(server.url, tokens.ben, PNG, 'sunset.png');
    const peer = await Peer.signIn(server.wsUrl, tokens.ben);
    await peer.request('send_message', { conversation_id: dmId, content: '', client_id: `push-${sent++}`, attachments: [uploaded.body.id] });
    await peer.close();
    await expect.poll(() => service.to(phone.path).length).toBe(1);
    expect(phone.read(service.to(phone.path)[0]!.body)).toMatchObject({ title: 'ben', body: 'ben: 📷 Photo' });
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

  it('sends nothing for a group change line, only for what is said after it', async () => {
    const phone = device('cat-tablet');
    await subscribe(tokens.cat, phone);
    const before = service.to(phone.path).length;
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const made = await ben.request('create_group', { user_ids: [ids.cat] });
    if (made.type !== 'conversation_created') throw new Error(made.type);
    const groupId = made.payload.conversation.id;
    await ben.request('rename_group', { conversation_id: groupId, title: 'Pushless' });
    await ben.close();
    await say(tokens.ben, groupId, 'said after the rename');
    // The push consumer reads changes in order: once the message's push is out, the line before it was passed over.
    await expect.poll(() => service.to(phone.path).length).toBe(before + 1);
    expect(phone.read(service.to(phone.path).at(-1)!.body)).toMatchObject({ conversation_id: groupId, body: 'ben: said after the rename' });
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
    for (const endpoint of [
      'http://push.example/x',
      'https://10.0.0.1/x',
      'https://localhost/x',
      'https://localhost./x',
      'https://LOCALHOST/x',
      'https://foo.localhost/x',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fd00::1]/x',
      'https://169.254.169.254/x',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://2130706434/x', // 127.0.0.2 (127.0.0.1 is allowed on this server)
      'https://0x7f.0.0.3/x',
      'https://user:pw@push.example/x',
      'ftp://push.example/x',
      'not a url',
      'https://printer.local/x',
      'https://printer.local./x',
      'https://nas.lan/x',
      'https://router.home.arpa/x',
      'https://svc.internal/x',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://host.docker.internal/x',
      'https://127.0.0.1.nip.io/x',
      'https://localtest.me/x',
      'https://push.example:8443/x',
      'https://push.example:80/x',
    ]) {
      const reply = await peer.request('subscribe_push', { endpoint, keys });
      expect(reply.type === 'error' && reply.payload.code, endpoint).toBe(ErrorCode.InvalidPushSubscription);
    }
    await peer.close();
  });

  it('refuses at connect time a name that resolves to loopback, and opens no connection to it', async () => {
    const dan = await server.join('dan');
    const phone = new Device(`https://rebind.example:${service.port}/push/rebind`, '/push/rebind');
    // Nothing about the name looks local: it is accepted, and the guard decides when it connects.
    await subscribe(dan.token, phone);
    const [connections, refused] = [service.connections, server.outbound.counts.refused_address];
    await say(tokens.ben, lobbyId, `${mentionToken(dan.user.id)} over here`);
    await expect.poll(() => server.outbound.counts.refused_address).toBe(refused + 1);
    expect(service.connections).toBe(connections);
    expect(service.to(phone.path)).toEqual([]);
  });

  it('does not follow a redirect from a push service, and keeps the subscription', async () => {
    const eve = await server.join('eve');
    const phone = device('eve-moved');
    service.status.set(phone.path, 302);
    await subscribe(eve.token, phone);
    const redirects = server.outbound.counts.redirect;
    await say(tokens.ben, lobbyId, `${mentionToken(eve.user.id)} look`);
    await expect.poll(() => server.outbound.counts.redirect).toBe(redirects + 1);
    expect(service.to(phone.path)).toHaveLength(1);
    expect(service.to('/push/elsewhere')).toEqual([]);
    expect(await subscriptionCount(phone.endpoint)).toBe(1);
  });

  it('keeps an endpoint for the user who subscribed it first: another user cannot take it over', async () => {
    const phone = device('ann-tablet');
    await subscribe(tokens.ann, phone);
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const reply = await ben.request('subscribe_push', { endpoint: phone.endpoint, keys: device('ben-fake').keys });
    expect(reply.type === 'error' && reply.payload.code).toBe(ErrorCode.PushEndpointTaken);
    await ben.close();
    expect(await server.db.all<{ user_id: number }>('SELECT user_id FROM push_subscriptions WHERE endpoint = ?', phone.endpoint)).toEqual([{ user_id: ids.ann }]);
    // The owner may still renew its keys.
    await subscribe(tokens.ann, new Device(phone.endpoint, phone.path));
  });

  it('refuses a subscription past the per-user cap with a code, and still renews one kept', async () => {
    const fay = await server.join('fay');
    const phones = Array.from({ length: 10 }, (_, i) => device(`fay-${i}`));
    for (const phone of phones) await subscribe(fay.token, phone);
    const peer = await Peer.signIn(server.wsUrl, fay.token);
    const reply = await peer.request('subscribe_push', { endpoint: device('fay-10').endpoint, keys: device('fay-10').keys });
    expect(reply.type === 'error' && reply.payload.code).toBe(ErrorCode.TooManyPushSubscriptions);
    expect(await peer.request('subscribe_push', { endpoint: phones[0]!.endpoint, keys: phones[0]!.keys })).toMatchObject({ type: 'push_updated' });
    await peer.close();
  });
});

describe('Web Push under load', () => {
  let small: TestServer;
  const slow = new PushService();

  beforeAll(async () => {
    await slow.start();
    small = await startTestServer({ outboundAllowHosts: ['127.0.0.1'], outboundConcurrency: 2, pushSubscribeBurstPerUser: 8, pushSubscribesPerMinutePerUser: 1 });
  });
  afterAll(async () => {
    await small.destroy();
    await slow.stop();
  });

  it('has at most the allowed number of pushes in flight, however many a message makes', async () => {
    const [gus, hal] = [await small.join('gus'), await small.join('hal')];
    const dm = await dmBetween(small, hal.token, gus.user.id);
    const phones = Array.from({ length: 6 }, (_, i) => new Device(`http://127.0.0.1:${slow.port}/push/gus-${i}`, `/push/gus-${i}`));
    for (const phone of phones) await subscribe(gus.token, phone, small);
    slow.holding = true;
    await say(hal.token, dm, 'six devices at once', small);
    // Each round lets through what is held once the limit is reached; the rest wait in the server's queue.
    while (slow.received.length < phones.length) {
      await expect.poll(() => slow.waiting() === 2 || slow.received.length === phones.length).toBe(true);
      slow.release();
    }
    expect(slow.mostInFlight).toBe(2);
    await expect.poll(() => small.outbound.counts.answered).toBe(phones.length);
  });

  it('limits how often one user may subscribe', async () => {
    const ivy = await small.join('ivy');
    const peer = await Peer.signIn(small.wsUrl, ivy.token);
    const replies = [];
    for (let i = 0; i < 9; i++) {
      const phone = new Device(`http://127.0.0.1:${slow.port}/push/ivy-${i}`, `/push/ivy-${i}`);
      replies.push(await peer.request('subscribe_push', { endpoint: phone.endpoint, keys: phone.keys }));
    }
    expect(replies.slice(0, 8).every((r) => r.type === 'push_updated')).toBe(true);
    expect(replies[8]).toMatchObject({ type: 'error', payload: { code: ErrorCode.RateLimited } });
    await peer.close();
  });
});

describe('Web Push to a push service that does not answer', () => {
  let quick: TestServer;
  const silent = new PushService();

  beforeAll(async () => {
    await silent.start();
    silent.holding = true;
    quick = await startTestServer({ outboundAllowHosts: ['127.0.0.1'], outboundTimeoutMs: 300 });
  });
  afterAll(async () => {
    await quick.destroy();
    await silent.stop();
  });

  it('gives up after the outbound timeout, and the next push still goes out', async () => {
    const [jo, kim] = [await quick.join('jo'), await quick.join('kim')];
    const dm = await dmBetween(quick, kim.token, jo.user.id);
    await subscribe(jo.token, new Device(`http://127.0.0.1:${silent.port}/push/jo`, '/push/jo'), quick);
    await say(kim.token, dm, 'anyone?', quick);
    await expect.poll(() => quick.outbound.counts.timeout).toBe(1);
    silent.holding = false;
    silent.release();
    await say(kim.token, dm, 'now?', quick);
    await expect.poll(() => quick.outbound.counts.answered).toBe(1);
  });
});
