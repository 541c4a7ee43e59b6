/**
 * Why an outbound request was refused or failed; callers branch on the code, never the message.
 * - `refused_url`: not a URL, credentials in it, a scheme other than https, or a port not allowed;
 * - `refused_name`: a name local by its look (names.ts);
 * - `refused_address`: the address the name resolved to, or the one connected to, is not public;
 * - `redirect`: the answer was a redirect, which is never followed;
 * - `timeout`: no answer within the timeout;
 * - `queue_full`: the limiter's queue was full;
 * - `network`: anything else on the way: DNS, TCP, TLS.
 */
export const OUTBOUND_CODES = ['refused_url', 'refused_name', 'refused_address', 'redirect', 'timeout', 'queue_full', 'network'] as const;
export type OutboundCode = (typeof OUTBOUND_CODES)[number];

export class OutboundError extends Error {
  override readonly name = 'OutboundError';

  constructor(
    readonly code: OutboundCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
