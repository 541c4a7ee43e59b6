import type { User } from '@hearth/protocol';

/** Who this browser is signed in as: the token from redeeming an invite, and the user it belongs to. */
export interface StoredSession {
  token: string;
  user: User;
}

export const SESSION_KEY = 'hearth.session';
const ACTIVE_KEY = 'hearth.conversation';

export function loadSession(): StoredSession | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    return isSession(value) ? value : null;
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(ACTIVE_KEY);
}

function isSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const { token, user } = value as Partial<StoredSession>;
  return typeof token === 'string' && typeof user?.id === 'number' && typeof user.nickname === 'string';
}

/** The conversation that was open last, so a reload comes back to it. */
export function rememberedConversation(): number | null {
  const id = Number(localStorage.getItem(ACTIVE_KEY));
  return Number.isInteger(id) && id > 0 ? id : null;
}

export function rememberConversation(id: number): void {
  localStorage.setItem(ACTIVE_KEY, String(id));
}
