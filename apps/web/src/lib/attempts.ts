import { ErrorCode } from '@hearth/protocol';
import type { ChatError } from '@hearth/client';

/** What to tell someone whose sign-in or join did not go through for a reason of the moment, not of the link. */
export function attemptFailed(error: ChatError | undefined): string {
  if (error?.code !== ErrorCode.RateLimited) return 'Could not reach the server. Check your connection and try again.';
  const seconds = Math.max(1, Math.ceil((error.retry_after_ms ?? 10_000) / 1000));
  return `Too many attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}
