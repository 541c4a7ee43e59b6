import { ChatClient, ChatError, redeemInvite, wsUrlFor } from '@hearth/client';
import { invitePath, type ErrorCode, type HttpError, type RedeemInviteResponse } from '@hearth/protocol';

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

/**
 * A person notices a dead link in seconds, so the page pings often: a silent connection is dropped within the
 * heartbeat plus the reply timeout, under ten seconds. The browser's own online and offline events come sooner.
 */
const LINK_CHECK = { heartbeatMs: 4_000, requestTimeoutMs: 5_000 };

export function openChat(token: string): ChatClient {
  return new ChatClient({ url: wsUrlFor(location.origin), token, ...LINK_CHECK });
}

export { ChatError };

function errorCodeOf(body: unknown): ErrorCode | undefined {
  const error = (body as Partial<HttpError> | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
