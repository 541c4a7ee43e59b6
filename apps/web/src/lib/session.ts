import { MAX_TOKEN_LENGTH, type User } from '@hearth/protocol';
import { forgetKept } from './kept.js';

/** Who this browser is signed in as: the token from redeeming an invite, and the user it belongs to. */
export interface StoredSession {
  token: string;
  user: User;
}

export const SESSION_KEY = 'hearth.session';
const ACTIVE_KEY = 'hearth.conversation';

/**
 * The stored sign-in; `malformed` when something is stored that no server could accept (an empty or over-long
 * token, a damaged entry), which the page says plainly instead of trying to connect with it forever.
 */
export function loadSession(): StoredSession | 'malformed' | null {
  const stored = localStorage.getItem(SESSION_KEY);
  if (stored === null) return null;
  try {
    const value: unknown = JSON.parse(stored);
    return isSession(value) ? value : 'malformed';
  } catch {
    return 'malformed';
  }
}

export function saveSession(session: StoredSession): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

/** Keeps what the server says about the user, unless this browser has signed in or out meanwhile. */
export function updateSessionUser(token: string, user: User): void {
  const current = loadSession();
  if (current !== null && current !== 'malformed' && current.token === token) saveSession({ token, user });
}

/** Forgets the sign-in and, for the user it was, every unsent message and draft. */
export function clearSession(): void {
  const current = loadSession();
  if (current !== null && current !== 'malformed') forgetKept(current.user.id);
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(ACTIVE_KEY);
}

function isSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const { token, user } = value as Partial<StoredSession>;
  return (
    typeof token === 'string' &&
    token.length > 0 &&
    token.length <= MAX_TOKEN_LENGTH &&
    Number.isSafeInteger(user?.id) &&
    typeof user?.nickname === 'string'
  );
}

const ENDED_KEY = 'hearth.ended';

/**
 * Why the server ended this browser's sign-in, kept so that a reload still says it: the server forgets a deactivated
 * account's devices, so it can no longer tell this one why.
 */
export function rememberEnded(ended: 'signed_out' | 'account_deactivated' | null): void {
  if (ended === null) localStorage.removeItem(ENDED_KEY);
  else localStorage.setItem(ENDED_KEY, ended);
}

export function rememberedEnded(): 'signed_out' | 'account_deactivated' | null {
  const stored = localStorage.getItem(ENDED_KEY);
  return stored === 'signed_out' || stored === 'account_deactivated' ? stored : null;
}

/** The conversation that was open last, so a reload comes back to it. */
export function rememberedConversation(): number | null {
  const id = Number(localStorage.getItem(ACTIVE_KEY));
  return Number.isInteger(id) && id > 0 ? id : null;
}

export function rememberConversation(id: number): void {
  localStorage.setItem(ACTIVE_KEY, String(id));
}
