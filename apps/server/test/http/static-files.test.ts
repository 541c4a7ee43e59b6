import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request, so the test decides Accept-Encoding and sees the bytes as sent. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const SCRIPT = `console.log(${JSON.stringify('hearth '.repeat(4000))});\n`;
let webDir: string;
let server: TestServer;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'hearth-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Hearth</title><script src="/assets/app-1.js"></script>');
  for (const name of ['app-1.js', 'gone-1.js', 'plain-1.js']) writeFileSync(join(webDir, 'assets', name), SCRIPT);
  for (const name of ['app-1.js', 'gone-1.js']) {
    writeFileSync(join(webDir, 'assets', `${name}.br`), brotliCompressSync(SCRIPT));
    writeFileSync(join(webDir, 'assets', `${name}.gz`), gzipSync(SCRIPT));
  }
  writeFileSync(join(webDir, '.env'), 'SECRET=1');
  server = await startTestServer({ webDir });
});

afterAll(async () => {
  await server?.destroy();
  rmSync(webDir, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it('sends brotli to a browser that takes it, with the type of the original and Vary', async () => {
    const res = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^text\/javascript; charset=utf-8$/i);
    expect(res.headers['vary']).toContain('Accept-Encoding');
    expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
    expect(res.body.length).toBeLessThan(SCRIPT.length / 10);
  });

  it('sends gzip to a browser without brotli, and the file as it is to one that takes neither', async () => {
    const gzip = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(SCRIPT);

    const identity = await get(`${server.url}/assets/app-1.js`);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.toString()).toBe(SCRIPT);
  });

  it('sends a file with no compressed copy as it is, even to a browser that takes brotli', async () => {
    const res = await get(`${server.url}/assets/plain-1.js`, { 'Accept-Encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(SCRIPT);
  });

  it('lets fingerprinted assets be cached for good and the page never', async () => {
    const asset = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const page = await get(`${server.url}/`);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('answers a repeated request with 304 when the browser has the same file', async () => {
    const first = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'br' });
    const etag = first.headers['etag'] as string;
    const again = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers HEAD with the headers and no body, and other methods with 405', async () => {
    const head = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
    const post = await get(`${server.url}/assets/app-1.js`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it('gives the page for the app’s own routes, hidden files and paths outside the web folder', async () => {
    for (const path of ['/join/some-code', '/.env', '/assets/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets']) {
      const res = await get(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.body.toString(), path).toContain('<title>Hearth</title>');
      expect(res.headers['content-security-policy'], path).toContain("default-src 'self'");
    }
  });

  it('a file removed between its lookup and its read is answered 404, and the server goes on', async () => {
    const gone = join(webDir, 'assets', 'gone-1.js.br');
    // The file is removed right after the server has looked it up, before it opens it for reading.
    const stat = vi.spyOn(fs, 'stat').mockImplementation(((path: fs.PathLike, ...rest: unknown[]) => {
      const callback = rest.at(-1) as (error: Error | null, stats?: fs.Stats) => void;
      const options = rest.length > 1 ? rest[0] : {};
      stat.mockRestore();
      return fs.stat(path, options as fs.StatOptions, (error, stats) => {
        if (String(path) === gone) rmSync(gone);
        callback(error, stats as fs.Stats);
      });
    }) as typeof fs.stat);

    const res = await get(`${server.url}/assets/gone-1.js`, { 'Accept-Encoding': 'br' });
    expect(res.status).toBe(404);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBeDefined();

    const after = await get(`${server.url}/assets/app-1.js`, { 'Accept-Encoding': 'gzip' });
    expect(after.status).toBe(200);
    expect(gunzipSync(after.body).toString()).toBe(SCRIPT);
  });

  it('a path that cannot be read as a file never stops the server', async () => {
    mkdirSync(join(webDir, 'assets', 'dir-1.js'));
    const res = await get(`${server.url}/assets/dir-1.js`, { 'Accept-Encoding': 'br' });
    expect(res.status).toBe(404);
    expect((await get(`${server.url}/`)).status).toBe(200);
  });
});
