/**
 * An idempotency key for a send, chosen here so that a failed send can be retried under the same key: the server
 * then stores it at most once even if the first attempt did reach it. getRandomValues works on plain http too.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
