import type { ServerResponse } from 'node:http';
import { ErrorCode, HTTP_STATUS } from '@hearth/protocol';

// The invite code travels in the page URL; no-referrer keeps it from leaking to sites a message links to.
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * Set on the response before anything else looks at the request, so every answer carries them — errors, 404s and
 * 405s included — and a route added later cannot forget them.
 */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** A coded error body, with the status that goes with its code unless `status` says otherwise. */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  { status, headers = {} }: { status?: number; headers?: Record<string, string> } = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status ?? HTTP_STATUS[code] ?? 400, { error: { code, message } });
}

/** Answers a refusal from a rate limiter: 429 `rate_limited`, with `Retry-After` in whole seconds. */
export function sendRateLimited(res: ServerResponse, retryAfterMs: number, message: string): void {
  sendError(res, ErrorCode.RateLimited, message, { headers: { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) } });
}

/** Decodes a URL path segment; a malformed escape is kept as it is rather than thrown. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
