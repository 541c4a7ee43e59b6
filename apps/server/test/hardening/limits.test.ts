import { CloseCode, MAX_FRAME_BYTES } from '@hearth/protocol';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { Peer, redeem, settle, startTestServer, type TestServer } from '../support/harness.js';
import { RawSocket } from './support/raw.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
});

/** The HTTP status an upgrade is answered with, or 101 if it became a WebSocket. */
function upgradeStatus(wsUrl: string, headers: Record<string, string> = {}): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    socket.once('error', reject);
  });
}

describe('frame limits', () => {
  it('a frame over the size limit closes the connection with 1009', async () => {
    server = await startTestServer();
    const alice = await server.join('alice');
    const peer = await Peer.signIn(server.wsUrl, alice.token);
    peer.send('send_message', { conversation_id: 1, content: 'x'.repeat(MAX_FRAME_BYTES), client_id: 'big' });
    expect(await peer.closed).toBe(CloseCode.MessageTooBig);
  });

  it('a frame just under the size limit is read and refused for its content, not closed', async () => {
    server = await startTestServer();
    const alice = await server.join('alice');
    const peer = await Peer.signIn(server.wsUrl, alice.token);
    const padding = MAX_FRAME_BYTES - 100;
    const reply = await peer.request('send_message', { conversation_id: 1, content: 'x'.repeat(padding), client_id: 'big' });
    expect(reply.type === 'error' && reply.payload.code).toBe('content_too_long');
    await peer.close();
  });

  it('a binary frame gets invalid_frame and the connection stays usable', async () => {
    server = await startTestServer();
    const alice = await server.join('alice');
    const peer = await Peer.signIn(server.wsUrl, alice.token);
    peer.socket.send(Buffer.from(JSON.stringify({ type: 'ping', payload: {}, id: 'b' })), { binary: true });
    const refused = await peer.next('error');
    expect(refused.payload.code).toBe('invalid_frame');
    expect((await peer.request('ping', {})).type).toBe('pong');
    await peer.close();
  });

  it('a text frame that is not UTF-8 closes the connection with 1007', async () => {
    server = await startTestServer();
    const alice = await server.join('alice');
    const { socket } = await RawSocket.signIn(server.wsUrl, alice.token);
    const outcome = await socket.exchange(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(outcome).toEqual({ closed: 1007 });
  });
});

describe('rate limits', () => {
  it('excess requests get rate_limited with a retry hint, and waiting that long lets the next one through', async () => {
    server = await startTestServer({ requestsPerSecond: 5, requestBurst: 3, floodLimit: 10 });
    const alice = await server.join('alice');
    const peer = await Peer.signIn(server.wsUrl, alice.token);
    for (let i = 0; i < 3; i++) expect((await peer.request('ping', {})).type).toBe('pong');
    const refused = await peer.request('send_message', { conversation_id: 1, content: 'too fast', client_id: 'fast' });
    if (refused.type !== 'error') throw new Error(refused.type);
    expect(refused.payload.code).toBe('rate_limited');
    expect(refused.payload.retry_after_ms).toBeGreaterThan(0);
    expect(refused.payload.retry_after_ms).toBeLessThanOrEqual(200);
    await settle(refused.payload.retry_after_ms! + 20);
    expect((await peer.request('send_message', { conversation_id: 1, content: 'in time', client_id: 'slow' })).type).toBe('message');
    await peer.close();
  });

  it('a connection that keeps flooding past the limit is closed with 4005, answered no further, and others are unaffected', async () => {
    server = await startTestServer({ requestsPerSecond: 1, requestBurst: 2, floodLimit: 5 });
    const alice = await server.join('alice');
    const flooder = await Peer.signIn(server.wsUrl, alice.token);
    const neighbour = await Peer.signIn(server.wsUrl, alice.token);
    for (let i = 0; i < 50; i++) flooder.send('ping', {}, `f${i}`);
    expect(await flooder.closed).toBe(CloseCode.RateLimited);
    // Frames queued behind the decision to close are dropped with the connection, not answered.
    expect(flooder.seen('pong').length).toBeLessThanOrEqual(2);
    expect(flooder.seen('error').length).toBeLessThanOrEqual(5);
    const answers = ['pong', 'error', 'user_online', 'user_offline'];
    expect(flooder.events.filter((e) => !answers.includes(e.type)).map((e) => e.type)).toEqual(['auth_ok']);
    expect(flooder.seen('error').every((e) => e.payload.code === 'rate_limited')).toBe(true);
    expect((await neighbour.request('ping', {})).type).toBe('pong');
    await neighbour.close();
  });

  it('invite redemption is limited per address with 429 rate_limited and Retry-After', async () => {
    server = await startTestServer({ redeemsPerMinute: 6, redeemBurst: 2 });
    const codes = await Promise.all([0, 1, 2].map(async () => (await server!.createInvite()).split('/join/')[1]!));
    expect((await redeem(server.url, codes[0]!, 'one')).status).toBe(201);
    expect((await redeem(server.url, 'no-such-code', 'two')).status).toBe(404);
    const res = await fetch(`${server.url}/api/invites/${codes[2]}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nickname: 'three' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});

describe('behind a reverse proxy', () => {
  const redeemVia = (code: string, nickname: string, forwardedFor: string) =>
    fetch(`${server!.url}/api/invites/${code}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor },
      body: JSON.stringify({ nickname }),
    }).then((res) => res.status);

  it('limits redemption per client address from X-Forwarded-For when the proxy is trusted', async () => {
    server = await startTestServer({ redeemsPerMinute: 1, redeemBurst: 1, trustedProxies: ['127.0.0.1', '::1'] });
    const codes = await Promise.all([0, 1, 2].map(async () => (await server!.createInvite()).split('/join/')[1]!));
    expect(await redeemVia(codes[0]!, 'one', '203.0.113.7')).toBe(201);
    // Another person behind the same proxy has their own allowance; a hop the client wrote itself counts for nothing.
    expect(await redeemVia(codes[1]!, 'two', '198.51.100.1, 198.51.100.9')).toBe(201);
    expect(await redeemVia(codes[2]!, 'three', '10.9.9.9, 203.0.113.7')).toBe(429);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    server = await startTestServer({ redeemsPerMinute: 1, redeemBurst: 1 });
    const codes = await Promise.all([0, 1].map(async () => (await server!.createInvite()).split('/join/')[1]!));
    expect(await redeemVia(codes[0]!, 'one', '203.0.113.7')).toBe(201);
    expect(await redeemVia(codes[1]!, 'two', '198.51.100.1')).toBe(429);
  });
});

describe('connection limits', () => {
  it('one connection too many for a user gets auth_error too_many_connections and close 4004', async () => {
    server = await startTestServer({ maxConnectionsPerUser: 2 });
    const alice = await server.join('alice');
    const first = await Peer.signIn(server.wsUrl, alice.token);
    const second = await Peer.signIn(server.wsUrl, alice.token);
    const third = await Peer.open(server.wsUrl);
    third.send('auth', { token: alice.token }, 'a');
    const refused = await third.next('auth_error');
    expect(refused.payload.code).toBe('too_many_connections');
    expect(await third.closed).toBe(CloseCode.TooManyConnections);
    await first.close();
    const again = await Peer.signIn(server.wsUrl, alice.token);
    expect(again.seen('auth_ok')).toHaveLength(1);
    await Promise.all([second.close(), again.close()]);
  });

  it('past the limit of unauthenticated connections the upgrade is refused with 503 until one signs in', async () => {
    server = await startTestServer({ maxUnauthenticated: 2 });
    const alice = await server.join('alice');
    const waiting = [await Peer.open(server.wsUrl), await Peer.open(server.wsUrl)];
    expect((await upgradeStatus(server.wsUrl)).status).toBe(503);
    await waiting[0]!.request('auth', { token: alice.token });
    const admitted = await upgradeStatus(server.wsUrl);
    expect(admitted.status).toBe(101);
    admitted.socket!.close();
    await Promise.all(waiting.map((p) => p.close()));
  });

  it('a connection that does not authenticate in time gets auth_error auth_timeout and close 4002', async () => {
    server = await startTestServer({ authTimeoutMs: 200 });
    const peer = await Peer.open(server.wsUrl);
    const refused = await peer.next('auth_error');
    expect(refused.payload.code).toBe('auth_timeout');
    expect(await peer.closed).toBe(CloseCode.AuthTimeout);
  });
});

describe('origin check', () => {
  it('allows the public URL, the allowlist and tools without Origin; refuses other sites with 403', async () => {
    server = await startTestServer({ publicUrl: 'https://chat.example.org', allowedOrigins: ['https://app.example.net'] });
    const cases: Array<[Record<string, string>, number]> = [
      [{ Origin: 'https://chat.example.org' }, 101],
      [{ Origin: 'https://app.example.net' }, 101],
      [{}, 101],
      [{ Origin: 'https://evil.example.com' }, 403],
      [{ Origin: 'http://chat.example.org' }, 403],
      [{ Origin: 'null' }, 403],
    ];
    for (const [headers, expected] of cases) {
      const { status, socket } = await upgradeStatus(server.wsUrl, headers);
      expect({ headers, status }).toEqual({ headers, status: expected });
      socket?.close();
    }
  });
});
