import { createHash, randomBytes } from 'node:crypto';

/** A bearer token: 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token. A fast hash suffices: tokens are random, not guessable passwords. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** An invite code: 128 random bits, URL-safe. */
export function newInviteCode(): string {
  return randomBytes(16).toString('base64url');
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
