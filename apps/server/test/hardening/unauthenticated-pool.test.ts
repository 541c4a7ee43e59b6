import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from '../support/harness.js';
import type { ServerOptions } from '../../src/index.js';

let server: TestServer | undefined;
const held: WebSocket[] = [];
afterEach(async () => {
  for (const socket of held.splice(0)) socket.terminate();
  await server?.destroy();
  server = undefined;
});

/** The test server believes 127.0.0.1's X-Forwarded-For, so each socket seems to come from `address`. */
const AS_PROXY: ServerOptions = { trustedProxies: ['127.0.0.1', '::1'], authTimeoutMs: 60_000 };

/** Opens a socket as if from `address`; resolves with the upgrade's status and, when it opened, the socket. */
function openFrom(address: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server!.wsUrl, options.protocols ?? [], { headers: { 'X-Forwarded-For': address, ...options.headers } });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    socket.once('error', reject);
  });
}

/** Each address opens sockets that never sign in until it is refused; how many were opened. */
async function holdFrom(addresses: readonly string[], perAddress = 20): Promise<number> {
  let opened = 0;
  for (const address of addresses) {
    for (let i = 0; i < perAddress; i++) {
      const { socket } = await openFrom(address);
      if (socket === undefined) break;
      held.push(socket);
      opened += 1;
    }
  }
  return opened;
}

/** How many of `tries` sign-ins from an address of their own succeed, while the attacker keeps asking for more. */
async function signIns(token: string, tries: number, attackers: readonly string[]): Promise<number> {
  let attacking = true;
  const pressing = (async () => {
    for (let i = 0; attacking; i++) {
      const { socket } = await openFrom(attackers[i % attackers.length]!);
      if (socket !== undefined) held.push(socket);
    }
  })();
  let succeeded = 0;
  for (let i = 0; i < tries; i++) {
    const { socket } = await openFrom('198.51.100.7');
    if (socket === undefined) continue;
    const peer = new Peer(socket);
    if ((await peer.request('auth', { token })).type === 'auth_ok') succeeded += 1;
    await peer.close();
  }
  attacking = false;
  await pressing;
  return succeeded;
}

const oneSlash64 = Array.from({ length: 20 }, (_, i) => `2001:db8:7:1::${(i + 1).toString(16)}`);
const oneSlash24 = Array.from({ length: 20 }, (_, i) => `203.0.113.${i + 1}`);

describe('the pool of connections not signed in yet', () => {
  it('lets a person sign in at least 99 times in 100 while 20 addresses of one IPv6 /64 hold every socket they can', async () => {
    server = await startTestServer(AS_PROXY);
    const alice = await server.join('alice');
    // The /64 is one group: its share is the share of one address.
    expect(await holdFrom(oneSlash64)).toBe(16);
    const succeeded = await signIns(alice.token, 100, oneSlash64);
    console.log(`IPv6 /64: ${succeeded} of 100 sign-ins`);
    expect(succeeded).toBeGreaterThanOrEqual(99);
  });

  it('does the same for 20 addresses of one IPv4 /24 once the IPv4 prefix is set to 24', async () => {
    server = await startTestServer({ ...AS_PROXY, unauthenticatedIpv4Prefix: 24 });
    const alice = await server.join('alice');
    expect(await holdFrom(oneSlash24)).toBe(16);
    const succeeded = await signIns(alice.token, 100, oneSlash24);
    console.log(`IPv4 /24: ${succeeded} of 100 sign-ins`);
    expect(succeeded).toBeGreaterThanOrEqual(99);
  });

  it('counted address by address, as before prefixes, is filled by the same 20 addresses and locks the person out', async () => {
    server = await startTestServer({ ...AS_PROXY, unauthenticatedIpv6Prefix: 128, unauthenticatedReservedForTokens: 0 });
    const alice = await server.join('alice');
    expect(await holdFrom(oneSlash64)).toBe(256);
    const succeeded = await signIns(alice.token, 20, oneSlash64);
    console.log(`IPv6 by address: ${succeeded} of 20 sign-ins`);
    expect(succeeded).toBeLessThan(20);
  });

  it('keeps places for a valid token, shown as a bearer header or a subprotocol, once many groups fill the rest', async () => {
    server = await startTestServer(AS_PROXY);
    const alice = await server.join('alice');
    // Twelve /64s of sixteen sockets each: the open part of the pool, 256 less the 64 kept.
    const botnet = Array.from({ length: 12 }, (_, i) => `2001:db8:${i + 100}::1`);
    expect(await holdFrom(botnet)).toBe(192);
    expect((await openFrom('198.51.100.7')).status).toBe(503);
    expect((await openFrom('198.51.100.7', { headers: { Authorization: 'Bearer not-a-token' } })).status).toBe(503);

    const bearer = await openFrom('198.51.100.7', { headers: { Authorization: `Bearer ${alice.token}` } });
    expect(bearer.status).toBe(101);
    const bot = new Peer(bearer.socket!);
    expect((await bot.request('auth', { token: alice.token })).type).toBe('auth_ok');

    const browser = await openFrom('198.51.100.8', { protocols: ['hearth', `hearth.bearer.${alice.token}`] });
    expect(browser.status).toBe(101);
    // The token is never echoed back as the chosen subprotocol.
    expect(browser.socket!.protocol).toBe('hearth');
    const page = new Peer(browser.socket!);
    expect((await page.request('auth', { token: alice.token })).type).toBe('auth_ok');
    await Promise.all([bot.close(), page.close()]);
  });
});
