import type { ErrorCode } from '@hearth/protocol';

/** A refusal: a stable code and a sentence for people. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Refusal };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });
