import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { safeDecode } from './respond.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// 'self' covers the page's own origin over ws: and wss: too (CSP Level 3), so the app reaches its own server and
// nothing else: script injected into the page could not send what it reads to another host.
const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the built web app; any other path gets index.html so the app's own routes (/join/<code>) load. */
export function serveStatic(webDir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = safeDecode((req.url ?? '/').split('?')[0]!);
  const file = resolveFile(webDir, path);
  if (file === undefined) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('The web app is not built. Run `npm run build` first.\n');
    return;
  }
  const isAsset = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': statSync(file).size,
    'Content-Security-Policy': CSP,
    // Vite fingerprints assets, so they never change; the page itself must always be fresh.
    'Cache-Control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  // A file gone between the stat and the read ends the response rather than throwing out of the server.
  else createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function resolveFile(webDir: string, urlPath: string): string | undefined {
  const candidate = normalize(join(webDir, urlPath));
  // Never serve anything outside webDir (e.g. /../../etc/passwd).
  if (candidate.startsWith(webDir + sep) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  const index = join(webDir, 'index.html');
  return existsSync(index) ? index : undefined;
}
