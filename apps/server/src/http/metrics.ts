import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@hearth/protocol';
import { plain, type ClientAddress } from '../client-address.js';
import { registry } from '../metrics.js';
import { sendError } from './respond.js';

/** Who may read /metrics: the operator's settings. */
export interface MetricsAccess {
  clientAddress: ClientAddress;
  trustedProxies: readonly string[];
  /** '' for none: then only this machine may read it. */
  token: string;
}

/**
 * Serves /metrics in Prometheus's text format. What it shows (how many are connected, how busy the chat is, when)
 * is nobody's business outside the operator's: with a token, only a request carrying it is served; without one, only
 * a client on this machine.
 */
export function metricsRoute(access: MetricsAccess) {
  const trusted = new Set(access.trustedProxies);
  const expected = access.token === '' ? undefined : digest(access.token);

  function allowed(req: IncomingMessage): boolean {
    if (expected !== undefined) {
      const given = /^Bearer +(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      // Digests are compared, so the comparison takes as long whatever the token's length.
      return given !== undefined && timingSafeEqual(digest(given), expected);
    }
    // A proxy on this machine that is not a trusted proxy makes every request it passes on look local; one that
    // says it forwarded the request is not taken for this machine.
    const peer = req.socket.remoteAddress ?? '';
    if (!trusted.has(plain(peer)) && (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined)) return false;
    return isLoopback(access.clientAddress(req));
  }

  return async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowed(req)) {
      const headers: Record<string, string> = expected === undefined ? {} : { 'WWW-Authenticate': 'Bearer realm="metrics"' };
      return sendError(res, ErrorCode.Forbidden, 'Metrics are for the operator', { status: expected === undefined ? 403 : 401, headers });
    }
    const text = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}
