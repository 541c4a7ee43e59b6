import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { FILE_LINK_TTL_S } from '@hearth/protocol';
import { nowSeconds } from '../domain/tokens.js';
import type { Store } from '../store/store.js';

/**
 * Signed links to files, for what cannot send a token (a page's `<img>`, `<video>`, a download the browser makes).
 * A link names one file and the one user it was made for, and works until it expires; the download still checks
 * that this user may read the file then, so a link outlives no membership. Its key is kept in the database, so
 * every process of a cluster reads the links any of them makes.
 */
export class FileLinks {
  constructor(private readonly key: Buffer) {}

  static async load(store: Store): Promise<FileLinks> {
    return new FileLinks(Buffer.from(await store.push.setting('file_link_key', () => randomBytes(32).toString('base64url')), 'base64url'));
  }

  /** The query a link carries: who it is for, until when, and the signature over both and the file. */
  make(fileId: string, userId: number, now = nowSeconds()): { query: string; expiresAt: number } {
    const expiresAt = now + FILE_LINK_TTL_S;
    return { query: `u=${userId}&e=${expiresAt}&s=${this.sign(fileId, userId, expiresAt)}`, expiresAt };
  }

  /** The user a link to this file was made for, while it has not expired; undefined for anything else. */
  check(fileId: string, query: URLSearchParams, now = nowSeconds()): number | undefined {
    const userId = Number(query.get('u'));
    const expiresAt = Number(query.get('e'));
    const given = Buffer.from(query.get('s') ?? '', 'base64url');
    if (!Number.isSafeInteger(userId) || !Number.isSafeInteger(expiresAt) || expiresAt < now) return undefined;
    const expected = Buffer.from(this.sign(fileId, userId, expiresAt), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
  }

  private sign(fileId: string, userId: number, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`file:${fileId}:${userId}:${expiresAt}`).digest('base64url');
  }
}
