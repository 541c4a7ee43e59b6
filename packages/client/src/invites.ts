import { invitePath, isHttpError, isRedeemInviteResponse, JOIN_PATH, SIGN_IN_PATH, signInPath, WS_PATH, type RedeemInviteResponse } from '@hearth/protocol';
import { ChatError, ClientErrorCode } from './errors.js';

/** An invite link taken apart. */
export interface InviteLink {
  /** The server's base URL, e.g. http://localhost:3000. */
  baseUrl: string;
  code: string;
}

/** Splits an invite link (`<base URL>/join/<code>`) into the server's base URL and the code; null if it is not one. */
export function parseInviteUrl(inviteUrl: string): InviteLink | null {
  return parseLink(inviteUrl, JOIN_PATH);
}

/** Splits a sign-in link (`<base URL>/signin/<code>`) likewise. */
export function parseSignInUrl(signInUrl: string): InviteLink | null {
  return parseLink(signInUrl, SIGN_IN_PATH);
}

function parseLink(link: string, path: string): InviteLink | null {
  const url = httpUrl(link);
  const at = url?.pathname.lastIndexOf(path) ?? -1;
  if (url === undefined || at === -1) return null;
  const code = url.pathname.slice(at + path.length);
  if (!/^[\w-]+$/.test(code)) return null;
  return { baseUrl: `${url.origin}${url.pathname.slice(0, at)}`, code };
}

/** The WebSocket URL of the server at a base URL: http://host:3000 → ws://host:3000/ws, https → wss. */
export function wsUrlFor(baseUrl: string): string {
  const url = httpUrl(baseUrl);
  if (url === undefined) throw new ChatError(ClientErrorCode.InvalidUrl, `Not an http(s) URL: ${baseUrl}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${WS_PATH}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * Redeems an invite for a new user, from an invite link or from a base URL and a code. Resolves with the user
 * and their token; a refusal rejects with the server's code (invite_used, nickname_taken, rate_limited…).
 */
export async function redeemInvite(inviteUrlOrBaseUrl: string, nickname: string, code?: string, device?: string): Promise<RedeemInviteResponse> {
  const link = code === undefined ? parseInviteUrl(inviteUrlOrBaseUrl) : { baseUrl: inviteUrlOrBaseUrl, code };
  if (link === null || httpUrl(link.baseUrl) === undefined) {
    throw new ChatError(ClientErrorCode.InvalidUrl, `Not an invite link: ${inviteUrlOrBaseUrl}`);
  }
  return signedIn(await post(`${link.baseUrl.replace(/\/+$/, '')}${invitePath(link.code)}`, { nickname, device }));
}

/**
 * Signs this program in as another device of a user, with a sign-in link (`<base URL>/signin/<code>`) they made;
 * `device` names it in their device list. Each link works once, for a few minutes.
 */
export async function signInWithLink(signInUrl: string, device?: string): Promise<RedeemInviteResponse> {
  const link = parseSignInUrl(signInUrl);
  if (link === null) throw new ChatError(ClientErrorCode.InvalidUrl, `Not a sign-in link: ${signInUrl}`);
  return signedIn(await post(`${link.baseUrl.replace(/\/+$/, '')}${signInPath(link.code)}`, { device }));
}

async function signedIn(response: Response): Promise<RedeemInviteResponse> {
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 201 && isRedeemInviteResponse(body)) return body;
  if (isHttpError(body)) throw new ChatError(body.error.code, body.error.message, retryAfter(response));
  throw new ChatError(ClientErrorCode.BadResponse, `Unexpected answer from the server (HTTP ${response.status})`);
}

async function post(url: string, body: unknown): Promise<Response> {
  try {
    return await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new ChatError(ClientErrorCode.Disconnected, `Cannot reach ${url}: ${(error as Error).message}`);
  }
}

function retryAfter(response: Response): { retry_after_ms?: number } {
  const seconds = Number(response.headers.get('Retry-After') ?? NaN);
  return Number.isFinite(seconds) ? { retry_after_ms: seconds * 1000 } : {};
}

function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
