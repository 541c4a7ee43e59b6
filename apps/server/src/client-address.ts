import type { IncomingMessage } from 'node:http';

/** The address a request came from, for per-address limits and logs. */
export type ClientAddress = (req: IncomingMessage) => string;

/**
 * Behind a reverse proxy every request arrives from the proxy, so when the peer is one of the trusted proxies the
 * client is the last `X-Forwarded-For` hop that is not itself a trusted proxy. Hops further left were written by
 * the client and could be anything, so they are never believed.
 */
export function clientAddressBehind(proxies: readonly string[]): ClientAddress {
  const trustedProxies = new Set(proxies);
  return (req) => addressOf(req, trustedProxies);
}

function addressOf(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  let address = plain(req.socket.remoteAddress ?? '');
  if (!trustedProxies.has(address)) return address;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let i = hops.length - 1; i >= 0 && trustedProxies.has(address); i--) {
    const hop = plain(hops[i]!.trim());
    if (hop !== '') address = hop;
  }
  return address;
}

/** `::ffff:127.0.0.1` is how a dual-stack socket shows an IPv4 peer. */
export function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
