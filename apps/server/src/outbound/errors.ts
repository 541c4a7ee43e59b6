/** Why an outbound request was refused or failed; callers branch on the code, never the message. */
export type OutboundCode =
  /** Not a URL, credentials in it, a scheme other than https, or a port not allowed. */
  | 'refused_url'
  /** A name local by its look (names.ts). */
  | 'refused_name'
  /** The address the name resolved to, or the one connected to, is not public. */
  | 'refused_address'
  /** The answer was a redirect, which is never followed. */
  | 'redirect'
  /** No answer within the timeout. */
  | 'timeout'
  /** The limiter's queue was full. */
  | 'queue_full'
  /** Anything else on the way: DNS, TCP, TLS. */
  | 'network';

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
