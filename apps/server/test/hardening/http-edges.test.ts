import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Invites } from '../../src/domain/invites.js';
import { redeem, startTestServer, type TestServer } from '../support/harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.destroy();
  server = undefined;
});

const codeOf = (link: string) => link.split('/join/')[1]!;

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

describe('redeeming from another site', () => {
  // What an HTML form on another site can send without a CORS preflight: these must not create an account.
  const formPosts = [
    { type: 'application/x-www-form-urlencoded', body: 'nickname=mallory' },
    { type: 'text/plain', body: '{"nickname":"mallory"}' },
    { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="nickname"\r\n\r\nmallory\r\n--x--\r\n' },
  ];

  it('a cross-site form post cannot redeem an invite: 415 with a coded error, and the invite stays usable', async () => {
    server = await startTestServer();
    const code = codeOf(await server.createInvite());
    for (const { type, body } of formPosts) {
      const res = await fetch(`${server.url}/api/invites/${code}`, {
        method: 'POST',
        headers: { 'Content-Type': type, Origin: 'https://evil.example' },
        body,
      });
      expect(res.status).toBe(415);
      expectSecurityHeaders(res);
      expect(((await res.json()) as any).error.code).toBe('invalid_payload');
    }
    const noType = await fetch(`${server.url}/api/invites/${code}`, { method: 'POST', body: new Uint8Array(Buffer.from('{"nickname":"mallory"}')) });
    expect(noType.status).toBe(415);
    expect((await fetch(`${server.url}/api/invites/${code}`)).status).toBe(200);
    expect((await redeem(server.url, code, 'alice')).status).toBe(201);
  });

  it('takes application/json with a charset, in any case', async () => {
    server = await startTestServer();
    const code = codeOf(await server.createInvite());
    const res = await fetch(`${server.url}/api/invites/${code}`, {
      method: 'POST',
      headers: { 'Content-Type': 'Application/JSON; charset=UTF-8' },
      body: JSON.stringify({ nickname: 'alice' }),
    });
    expect(res.status).toBe(201);
  });

  it('a refused content type spends none of the address’s redemption attempts', async () => {
    server = await startTestServer({ redeemsPerMinute: 1, redeemBurst: 1 });
    const code = codeOf(await server.createInvite());
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/api/invites/${code}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
      expect(res.status).toBe(415);
    }
    expect((await redeem(server.url, code, 'alice')).status).toBe(201);
  });
});

describe('security headers', () => {
  it('every answer carries them: 404, 405, 503, 500, 415, 429 and success alike', async () => {
    server = await startTestServer({ redeemsPerMinute: 1, redeemBurst: 1 });
    const code = codeOf(await server.createInvite());
    const answers: [string, Promise<Response>, number][] = [
      ['unknown API path', fetch(`${server.url}/api/nothing-here`), 404],
      ['wrong method on an invite', fetch(`${server.url}/api/invites/${code}`, { method: 'PUT' }), 405],
      ['wrong method on the web app', fetch(`${server.url}/`, { method: 'POST' }), 405],
      // The harness points webDir at a folder that does not exist.
      ['web app not built', fetch(`${server.url}/`), 503],
      ['health check', fetch(`${server.url}/healthz`), 200],
      ['invite status', fetch(`${server.url}/api/invites/${code}`), 200],
      ['wrong content type', fetch(`${server.url}/api/invites/${code}`, { method: 'POST', body: 'nickname=x' }), 415],
    ];
    for (const [what, pending, status] of answers) {
      const res = await pending;
      expect(res.status, what).toBe(status);
      expectSecurityHeaders(res);
    }
    expect((await fetch(`${server.url}/api/invites/${code}`, { method: 'DELETE' })).headers.get('allow')).toBe('GET, POST');
    await redeem(server.url, 'no-such-code', 'a');
    const limited = await fetch(`${server.url}/api/invites/no-such-code`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"nickname":"b"}' });
    expect(limited.status).toBe(429);
    expectSecurityHeaders(limited);
  });

  it('a request that fails inside the server gets a coded 500 with them, and the server goes on', async () => {
    server = await startTestServer();
    const code = codeOf(await server.createInvite());
    vi.spyOn(Invites.prototype, 'status').mockRejectedValueOnce(new Error('disk on fire'));
    const res = await fetch(`${server.url}/api/invites/${code}`);
    expect(res.status).toBe(500);
    expectSecurityHeaders(res);
    expect(((await res.json()) as any).error.code).toBe('internal_error');
    expect((await fetch(`${server.url}/api/invites/${code}`)).status).toBe(200);
  });

  it('the page limits connections to its own origin', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'hearth-web-'));
    try {
      mkdirSync(join(webDir, 'assets'));
      writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Hearth</title>');
      server = await startTestServer({ webDir });
      const page = await fetch(`${server.url}/join/some-code`);
      expect(page.status).toBe(200);
      expectSecurityHeaders(page);
      const directives = page.headers.get('content-security-policy')!.split(';').map((d) => d.trim());
      expect(directives).toContain("connect-src 'self'");
      expect(directives.join(' ')).not.toMatch(/\bwss?:/);
    } finally {
      rmSync(webDir, { recursive: true, force: true });
    }
  });
});

describe('invite status checks', () => {
  const check = (code: string, forwardedFor: string) => fetch(`${server!.url}/api/invites/${code}`, { headers: { 'X-Forwarded-For': forwardedFor } });

  it('one address guessing codes gets 429 with Retry-After past its limit, while another address still gets answers', async () => {
    server = await startTestServer({ inviteChecksPerMinute: 1, inviteCheckBurst: 5, trustedProxies: ['127.0.0.1', '::1'] });
    const code = codeOf(await server.createInvite());
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res = await check(`guess-${i}`, '203.0.113.7');
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(((await res.json()) as any).error.code).toBe('rate_limited');
      }
    }
    expect(statuses).toEqual([...Array(5).fill(404), ...Array(15).fill(429)]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Even a right guess is not told apart any more.
    expect((await check(code, '203.0.113.7')).status).toBe(429);

    expect((await check('guess-0', '198.51.100.1')).status).toBe(404);
    expect((await check(code, '198.51.100.1')).status).toBe(200);
  });

  it('has its own budget: checking the code does not use up the attempt to redeem it', async () => {
    server = await startTestServer({ inviteChecksPerMinute: 1, inviteCheckBurst: 1, redeemsPerMinute: 1, redeemBurst: 1 });
    const code = codeOf(await server.createInvite());
    expect((await fetch(`${server.url}/api/invites/${code}`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/invites/${code}`)).status).toBe(429);
    expect((await redeem(server.url, code, 'alice')).status).toBe(201);
  });
});
