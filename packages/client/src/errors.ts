import type { ErrorCode } from '@hearth/protocol';

/** Failures the client detects itself, next to the server's ErrorCode values. */
export const ClientErrorCode = {
  /** No reply arrived within `requestTimeoutMs`. */
  Timeout: 'timeout',
  /** There was no authenticated connection, or it dropped before the reply came. */
  Disconnected: 'disconnected',
  /** The client was closed, or the server refused the connection for good. */
  Closed: 'closed',
  /** This device was signed out, here or from another device: its token no longer works. */
  SignedOut: 'signed_out',
  /** A URL is not a Hearth server or invite link. */
  InvalidUrl: 'invalid_url',
  /** The server answered with something that does not fit the protocol. */
  BadResponse: 'bad_response',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export type ChatErrorCode = ErrorCode | ClientErrorCode;

export interface ChatErrorDetails {
  /** JSON pointer to the offending field, for `invalid_payload`. */
  path?: string;
  /** For `rate_limited`: milliseconds until a request will be accepted again. */
  retry_after_ms?: number;
}

/** Every failure the client reports. Branch on `code`, never on `message`. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly path?: string;
  readonly retry_after_ms?: number;

  constructor(
    readonly code: ChatErrorCode,
    message: string,
    details: ChatErrorDetails = {},
  ) {
    super(message);
    if (details.path !== undefined) this.path = details.path;
    if (details.retry_after_ms !== undefined) this.retry_after_ms = details.retry_after_ms;
  }

  /** From an `error` or `auth_error` frame, or a refusal by the protocol's own parser. */
  static from(error: { code: ErrorCode; message: string } & ChatErrorDetails): ChatError {
    return new ChatError(error.code, error.message, error);
  }
}
