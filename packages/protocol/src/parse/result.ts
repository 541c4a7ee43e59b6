import type { ErrorCode } from '../codes.js';

/** Why a frame was refused: data fit to send back in an `error` frame. */
export interface ParseError {
  code: ErrorCode;
  message: string;
  /** JSON pointer to the offending field, when one is to blame. */
  path?: string;
  /** The frame's request id, when it could be read, so the refusal can answer it. */
  id?: string;
}

export type ParseResult<E> = { ok: true; event: E } | { ok: false; error: ParseError };

export function refuse(code: ErrorCode, message: string, id?: string, path?: string): ParseResult<never> {
  const error: ParseError = { code, message };
  if (path !== undefined) error.path = path;
  if (id !== undefined) error.id = id;
  return { ok: false, error };
}
