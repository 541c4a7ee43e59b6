import type { IncomingMessage, ServerResponse } from 'node:http';
import parseRange from 'range-parser';
import type { Readable } from 'node:stream';
import { ErrorCode, filePath, THUMBNAIL_QUERY, type FileLink, type User } from '@hearth/protocol';
import type { Refusal } from '../domain/result.js';
import type { Directory } from '../domain/directory.js';
import type { FileLinks } from '../files/links.js';
import type { Sessions } from '../domain/sessions.js';
import type { Uploads } from '../files/uploads.js';
import { shownInline } from '../files/names.js';
import type { Logger } from '../log.js';
import type { UserLimits } from '../rate-limit.js';
import { bearerUser } from './bearer.js';
import { sendError, sendJson, sendRateLimited } from './respond.js';

export interface FileRouteNeeds {
  sessions: Sessions;
  directory: Directory;
  links: FileLinks;
  uploads: Uploads;
  limits: UserLimits;
  log: Logger;
}

/**
 * What a file's response may do in a browser: nothing. Opened as a page, it runs no script, loads nothing and is
 * its own origin (sandbox), so a file that is HTML after all can reach neither the chat nor its token.
 */
const FILE_HEADERS = {
  'Content-Security-Policy': "sandbox; default-src 'none'",
  // Other sites cannot embed our files in their pages, with our visitors' credentials.
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Ids never name other bytes, so a copy may be kept; but only by the browser of the one who may read it.
  'Cache-Control': 'private, max-age=3600',
  'Accept-Ranges': 'bytes',
};

/**
 * `POST /api/files?name=NAME` stores the request's body as a file of the signed-in user; `GET /files/<id>/<name>`
 * serves one to a member of the conversation it was sent in. Both are signed in as the WebSocket is, by the device's
 * token, here as `Authorization: Bearer <token>`: no cookie, so no other site can make a browser upload or fetch.
 * What cannot send a token (a page's `<img>`) gets a signed link from `GET /api/files/<id>/link`.
 */
export class FileRoutes {
  constructor(private readonly ctx: FileRouteNeeds) {}

  async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    const user = await this.signedIn(req, res);
    if (user === undefined) return;
    const taken = await this.ctx.limits.uploads.takeUpTo(user.id, 1);
    if (taken.granted === 0) return refuseUpload(req, res, () => sendRateLimited(res, taken.retryAfterMs, 'Too many uploads; try again shortly'));
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? '';
    const length = req.headers['content-length'];
    const result = await this.ctx.uploads.receive(user, name, req, length === undefined ? undefined : Number(length));
    if (!result.ok) return refuseUpload(req, res, () => sendError(res, result.error.code, result.error.message));
    this.ctx.log.info({ userId: user.id, fileId: result.value.id, size: result.value.size, type: result.value.type }, 'file uploaded');
    sendJson(res, 201, result.value);
  }

  /** A link to a file that works without a token, for this user, for a few minutes. */
  async link(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    if (req.method !== 'GET') return void res.writeHead(405, { Allow: 'GET' }).end();
    const user = await this.signedIn(req, res);
    if (user === undefined) return;
    const result = await this.ctx.uploads.readable(user, id);
    if (!result.ok) return refuseDownload(res, result.error);
    const { query, expiresAt } = this.ctx.links.make(id, user.id);
    const url = `${filePath(id, result.value.name)}?${query}`;
    const link: FileLink = { url, expires_at: expiresAt, ...(result.value.thumbnail ? { thumbnail_url: `${url}&${THUMBNAIL_QUERY}` } : {}) };
    sendJson(res, 200, link);
  }

  async download(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    const user = await this.reader(req, res, id);
    if (user === undefined) return;
    const header = req.headers.range;
    let unsatisfiable = false;
    const thumbnail = new URL(req.url ?? '/', 'http://x').searchParams.get('size') === 'thumbnail';
    if (thumbnail) return this.thumbnail(req, res, user, id);
    const result = await this.ctx.uploads.open(user, id, 'whole', (size) => {
      if (header === undefined) return undefined;
      const ranges = parseRange(size, header, { combine: true });
      // One range is served; several, or a malformed header, get the whole file, as RFC 9110 allows.
      if (ranges === -1) unsatisfiable = true;
      return Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1 ? ranges[0] : undefined;
    });
    if (!result.ok) return refuseDownload(res, result.error);
    const { file, range, body } = result.value;
    if (unsatisfiable) {
      body.destroy();
      return void res.writeHead(416, { ...FILE_HEADERS, 'Content-Range': `bytes */${file.size}` }).end();
    }
    // Only types that cannot run script are shown in the page; HTML, SVG and anything unknown are saved.
    const disposition = shownInline(file.type) ? 'inline' : 'attachment';
    res.writeHead(range === undefined ? 200 : 206, {
      ...FILE_HEADERS,
      'Content-Type': file.type,
      'Content-Length': range === undefined ? file.size : range.end - range.start + 1,
      'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      ...(range === undefined ? {} : { 'Content-Range': `bytes ${range.start}-${range.end}/${file.size}` }),
    });
    this.send(req, res, body, id);
  }

  /** A picture's thumbnail: a small WebP, whole (thumbnails are small, and their length is not kept). */
  private async thumbnail(req: IncomingMessage, res: ServerResponse, user: User, id: string): Promise<void> {
    const result = await this.ctx.uploads.open(user, id, 'thumbnail');
    if (!result.ok) return refuseDownload(res, result.error);
    res.writeHead(200, { ...FILE_HEADERS, 'Content-Type': 'image/webp', 'Content-Disposition': 'inline' });
    this.send(req, res, result.value.body, id);
  }

  private send(req: IncomingMessage, res: ServerResponse, body: Readable, id: string): void {
    if (req.method === 'HEAD') {
      body.destroy();
      return void res.end();
    }
    body.on('error', (error) => {
      this.ctx.log.error({ err: error, fileId: id }, 'reading a file failed');
      res.destroy();
    });
    body.pipe(res);
  }

  /**
   * Who reads a file: the user a signed link in the query was made for (a deactivated account's links die with it),
   * else the token's; undefined once refused with 401.
   */
  private async reader(req: IncomingMessage, res: ServerResponse, id: string): Promise<User | undefined> {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    if (!query.has('s')) return this.signedIn(req, res);
    const userId = this.ctx.links.check(id, query);
    const user = userId === undefined ? undefined : this.ctx.directory.users.get(userId);
    if (user !== undefined && user.deactivated !== true) return user;
    sendError(res, ErrorCode.InvalidToken, 'This link has expired or is not valid; ask for a new one');
    return undefined;
  }

  /** The user whose token the request carries, or undefined once refused with 401. */
  private signedIn(req: IncomingMessage, res: ServerResponse): Promise<User | undefined> {
    return bearerUser(req, res, this.ctx.sessions);
  }
}

/** A file that cannot be read: not ready yet says when to ask again. */
function refuseDownload(res: ServerResponse, error: Refusal): void {
  sendError(res, error.code, error.message, error.code === ErrorCode.FileNotReady ? { headers: { 'Retry-After': '1' } } : undefined);
}

/**
 * Answers a refused upload and closes the connection after it: the rest of the body is read and dropped meanwhile,
 * so the client sees the answer rather than a connection reset while it is still sending.
 */
function refuseUpload(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
  res.setHeader('Connection', 'close');
  answer();
  if (!req.readableEnded) req.resume();
}
