import { ChatClient, ChatError, redeemInvite, signInWithLink, wsUrlFor } from '@hearth/client';
import {
  ErrorCode,
  invitePath,
  isSignInLinkStatus,
  SIGN_IN_PATH,
  signInPath,
  type HttpError,
  type RedeemInviteResponse,
  type SignInLinkStatus,
} from '@hearth/protocol';

/**
 * Every network call the app makes starts here: the invite API over HTTP, and the chat socket through the shared
 * client. The server serves this app, so both live at the page's own origin.
 */

export type InviteCheck = { ok: true } | { ok: false; code: ErrorCode | 'unreachable' };

/** Asks whether an invite can still be redeemed. */
export async function checkInvite(code: string): Promise<InviteCheck> {
  let response: Response;
  try {
    response = await fetch(invitePath(code), { headers: { Accept: 'application/json' } });
  } catch {
    return { ok: false, code: 'unreachable' };
  }
  if (response.ok) return { ok: true };
  const body: unknown = await response.json().catch(() => undefined);
  return { ok: false, code: errorCodeOf(body) ?? 'internal_error' };
}

/** Redeems an invite for a new user; rejects with a ChatError whose code says why (nickname_taken, invite_used…). */
export function joinWithInvite(code: string, nickname: string): Promise<RedeemInviteResponse> {
  return redeemInvite(location.origin, nickname, code);
}

export type SignInLinkCheck = { ok: true; link: SignInLinkStatus } | { ok: false; code: ErrorCode | 'unreachable' };

/** Asks whom a sign-in link signs in as, while it can still be used. */
export async function checkSignInLink(code: string): Promise<SignInLinkCheck> {
  let response: Response;
  try {
    response = await fetch(signInPath(code), { headers: { Accept: 'application/json' } });
  } catch {
    return { ok: false, code: 'unreachable' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isSignInLinkStatus(body)) return { ok: true, link: body };
  return { ok: false, code: errorCodeOf(body) ?? 'internal_error' };
}

/**
 * Signs this browser in as another device of the link's user. The server names the device from the browser's
 * User-Agent ("Firefox on Linux"), which is all the page could tell it too.
 */
export function signInWithCode(code: string): Promise<RedeemInviteResponse> {
  return signInWithLink(`${location.origin}${SIGN_IN_PATH}${encodeURIComponent(code)}`);
}

/**
 * A person notices a dead link in seconds, so the page pings often: a silent connection is dropped within the
 * heartbeat plus the reply timeout, under ten seconds. The browser's own online and offline events come sooner.
 */
const LINK_CHECK = { heartbeatMs: 4_000, requestTimeoutMs: 5_000 };

/** Opens the chat's connection. */
export function openChat(token: string): ChatClient {
  return new ChatClient({ url: wsUrlFor(location.origin), token, WebSocket, ...LINK_CHECK });
}

export { ChatError };

function errorCodeOf(body: unknown): ErrorCode | undefined {
  const error = (body as Partial<HttpError> | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
