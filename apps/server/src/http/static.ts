import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import expressStaticGzip from 'express-static-gzip';

// 'self' covers the page's own origin over ws: and wss: too (CSP Level 3), so the app reaches its own server and
// nothing else: script injected into the page could not send what it reads to another host. Pictures come from the
// server, from data: (placeholders drawn in the page) and blob: (a picture being attached, read from the person's disk).
const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: { status?: number }) => void) => void;

/**
 * Serves the built web app through serve-static, choosing the brotli or gzip file the build wrote next to each
 * asset when the browser accepts it; any other path gets index.html so the app's own routes (/join/<code>) load.
 * A file that cannot be read (gone between the lookup and the read, or a directory) is answered 404 or 500.
 */
export function createStaticServer(webDir: string): (req: IncomingMessage, res: ServerResponse) => void {
  const files = expressStaticGzip(webDir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      // Failures come to us with their status rather than passing on as "not found".
      fallthrough: false,
      // Vite fingerprints assets, so they never change; the page itself must always be fresh.
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.setHeader('Content-Security-Policy', CSP);
      },
    },
  }) as Handler;

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!existsSync(join(webDir, 'index.html'))) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The web app is not built. Run `npm run build` first.\n');
      return;
    }
    serve(files, req, res, () => {
      req.url = '/index.html';
      serve(files, req, res, () => failed(res, 404));
    });
  };
}

/**
 * Runs the middleware. A path that names no file (or a hidden one, or one outside the folder) is the app's own
 * route and calls `notFound`; an asset that cannot be found or read is answered with its status.
 */
function serve(files: Handler, req: IncomingMessage, res: ServerResponse, notFound: () => void): void {
  // The middleware reads Express's `req.path`: the URL's path, without the query.
  const path = (req.url ?? '/').split('?')[0]!;
  Object.assign(req, { path });
  files(req, res, (error) => {
    const status = error?.status ?? 500;
    if (status < 500 && !path.startsWith('/assets/')) return notFound();
    failed(res, status);
  });
}

/** What a file that could not be sent left set describes that file, not the plain answer that replaces it. */
const FILE_HEADERS = ['Content-Encoding', 'Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag', 'Last-Modified'];

function failed(res: ServerResponse, status: number): void {
  if (res.headersSent) return void res.destroy();
  for (const name of FILE_HEADERS) res.removeHeader(name);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(status === 404 ? 'Not found\n' : 'The file could not be read\n');
}
