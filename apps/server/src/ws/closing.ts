import { CloseCode } from '@hearth/protocol';
import type { Bus, CloseSignal } from '../bus/bus.js';
import type { Presence } from './presence.js';

/** Closes connections wherever they are: this process's here, the others' when they hear the signal. */
export function closeEverywhere(bus: Bus, presence: Presence, signal: CloseSignal): void {
  bus.signal(signal);
  closeHere(presence, signal);
}

/** The sessions' connections close at once, on every process: a signed-out device keeps nothing open. */
export function closeSessions(bus: Bus, presence: Presence, userId: number, sessionIds: readonly number[]): void {
  closeEverywhere(bus, presence, { type: 'close', user_id: userId, session_ids: [...sessionIds], code: CloseCode.SessionRevoked, reason: 'signed out' });
}

/** Closes this process's connections that a `close` signal names: some sessions of a user, or all of them. */
export function closeHere(presence: Presence, signal: CloseSignal): void {
  const sessions = signal.session_ids === undefined ? undefined : new Set(signal.session_ids);
  for (const conn of presence.connectionsOf(signal.user_id) ?? []) {
    if (sessions === undefined || (conn.sessionId !== undefined && sessions.has(conn.sessionId))) conn.drop(signal.code, signal.reason);
  }
}
