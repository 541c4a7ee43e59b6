/**
 * A fresh idempotency key for a send. Built on getRandomValues because randomUUID exists only in secure
 * contexts, and a self-hosted chat is often opened over plain http on a home network.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
