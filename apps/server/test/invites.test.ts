import { ErrorCode } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, redeem, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

const codeOf = (url: string) => url.split('/join/')[1]!;

describe('joining through an invite', () => {
  it('the first start offers an invite link while nobody has joined', () => {
    expect(server.firstInviteUrl).toMatch(/\/join\/[A-Za-z0-9_-]{22}$/);
  });

  it('turns an invite and a nickname into a user with a token that signs in to the lobby', async () => {
    const code = codeOf(await server.createInvite());
    const status = await fetch(`${server.url}/api/invites/${code}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ code, available: true });

    const { status: created, body } = await redeem(server.url, code, '  Ada Lovelace ');
    expect(created).toBe(201);
    expect(body.user.nickname).toBe('Ada Lovelace');
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const peer = await Peer.open(server.wsUrl);
    const ok = await peer.request('auth', { token: body.token });
    expect(ok.type).toBe('auth_ok');
    if (ok.type !== 'auth_ok') return;
    expect(ok.payload.user).toEqual(body.user);
    expect(ok.payload.conversations[0]?.type).toBe('lobby');
    await peer.close();
  });

  it('refuses a used invite and an unknown one with clear codes', async () => {
    const code = codeOf(await server.createInvite());
    expect((await redeem(server.url, code, 'first')).status).toBe(201);
    const again = await redeem(server.url, code, 'second');
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('invite_used');
    expect((await fetch(`${server.url}/api/invites/${code}`)).status).toBe(410);

    const unknown = await redeem(server.url, 'no-such-code', 'third');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('invite_not_found');
  });

  it('lets exactly one of many people racing for one code win', async () => {
    const code = codeOf(await server.createInvite());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => redeem(server.url, code, `racer${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 410)).toHaveLength(9);
  });

  it('refuses a nickname taken in another case without using up the invite', async () => {
    await server.join('Grace');
    const code = codeOf(await server.createInvite());
    const clash = await redeem(server.url, code, 'gRACE');
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('nickname_taken');
    expect((await redeem(server.url, code, 'Grace2')).status).toBe(201);
  });

  it('refuses a nickname that would pass for someone else’s, in Cyrillic look-alikes or with a mark added, without using up the invite', async () => {
    await server.join('paypal');
    await server.join('Jose');
    const code = codeOf(await server.createInvite());
    for (const nickname of ['раураӏ', 'Jose\u0301', 'José']) {
      expect(await redeem(server.url, code, nickname), nickname).toMatchObject({ status: 409, body: { error: { code: ErrorCode.NicknameConfusable } } });
    }
    expect((await redeem(server.url, code, 'Josephine')).status).toBe(201);
  });

  it('refuses empty, over-long and invisible-character nicknames without using up the invite', async () => {
    const code = codeOf(await server.createInvite());
    for (const nickname of ['   ', 'x'.repeat(33), 'zero\u200bwidth', 'bell\u0007']) {
      const res = await redeem(server.url, code, nickname);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_nickname');
    }
    expect((await redeem(server.url, code, 'x'.repeat(32))).status).toBe(201);
  });

  it('answers a body that is not JSON or not the right shape with a coded error', async () => {
    const code = codeOf(await server.createInvite());
    const json = { 'Content-Type': 'application/json' };
    const notJson = await fetch(`${server.url}/api/invites/${code}`, { method: 'POST', headers: json, body: 'nickname=x' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('invalid_json');
    const wrong = await fetch(`${server.url}/api/invites/${code}`, { method: 'POST', headers: json, body: '{"nick":1}' });
    expect(((await wrong.json()) as any).error.code).toBe('invalid_payload');
  });
});

describe('invite redemption rate limit', () => {
  it('refuses a burst of redemptions from one address with rate_limited and Retry-After', async () => {
    const limited = await startTestServer({ redeemsPerMinute: 1, redeemBurst: 2 });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${limited.url}/api/invites/guess${i}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"nickname":"x"}',
        });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toEqual([404, 404, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.destroy();
    }
  });
});
