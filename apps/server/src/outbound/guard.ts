import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import type { Socket } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { isAddress, isPublicAddress } from './addresses.js';
import { OUTBOUND_CODES, OutboundError, type OutboundCode } from './errors.js';
import { Limiter } from './limiter.js';
import { isLocalName, normaliseHost } from './names.js';

/** Resolves a host name to its addresses; tests put their own in place of DNS. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface OutboundOptions {
  /** Hosts reached whatever their address, over http or https, on any port: a push relay on the operator's network, tests. */
  allowHosts: readonly string[];
  /** Ports other hosts may be reached on. */
  ports: readonly number[];
  /** Requests at once, server-wide. */
  concurrency: number;
  /** Requests waiting for a slot; more are dropped and counted. */
  queue: number;
  /** Time for one request, from its start (after its wait for a slot) to the end of its answer. */
  timeoutMs: number;
  resolve?: Resolve;
}

export interface OutboundRequest {
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** What the guard has done since start: answers received, and refusals and failures by their code. */
export type OutboundCounts = Record<OutboundCode | 'answered', number>;

/** How the server names itself to the sites it reads and the bots it tells. */
const USER_AGENT = 'Mozilla/5.0 (compatible; Hearth/1.0)';

/** Bytes of an answer read before the rest is dropped: callers need its status, not its body. */
const ANSWER_LIMIT = 64 * 1024;

/**
 * The one way out to the network for everything the server sends on its own (Web Push today; link previews and
 * webhooks later): public addresses only, checked on the address actually connected to, port 443 unless the
 * operator allows more, no redirects, a timeout on every request, and a bound on how many run and wait at once.
 *
 * The URL is checked first for a clear, early refusal; the real guard is at connect time, where the name is
 * resolved once and every address it gives must be public, and the socket's remote address is checked again, so
 * a DNS answer that changes between the check and the connection (rebinding) cannot reach a private address.
 */
export class OutboundGuard {
  readonly counts = Object.fromEntries(['answered', ...OUTBOUND_CODES].map((code) => [code, 0])) as OutboundCounts;
  private readonly allowHosts: Set<string>;
  private readonly limiter: Limiter;
  private readonly agent: Agent;
  private readonly resolve: Resolve;

  constructor(private readonly options: OutboundOptions) {
    this.allowHosts = new Set(options.allowHosts.map(normaliseHost));
    this.limiter = new Limiter(options.concurrency, options.queue);
    this.resolve = options.resolve ?? systemResolve;
    const connector = buildConnector({ lookup: (hostname: string, opts: unknown, callback: LookupCallback) => this.lookup(hostname, opts, callback), timeout: options.timeoutMs } as never);
    this.agent = new Agent({
      connections: options.concurrency,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: (opts, callback) => connector(opts, (error, socket) => (error !== null ? callback(error, null) : this.connected(opts.hostname, socket as Socket, callback))),
    });
  }

  /** Requests dropped because the queue was full. */
  get dropped(): number {
    return this.limiter.dropped;
  }

  /**
   * Refuses a URL the guard would never send to, without resolving anything: what a subscription is checked with
   * when it is made. Returns the URL parsed.
   */
  check(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new OutboundError('refused_url', 'not a URL');
    }
    if (url.username !== '' || url.password !== '') throw new OutboundError('refused_url', 'credentials in the URL');
    const host = normaliseHost(url.hostname);
    if (this.allowHosts.has(host)) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundError('refused_url', 'not http or https');
      return url;
    }
    if (url.protocol !== 'https:') throw new OutboundError('refused_url', 'not https');
    if (!this.options.ports.includes(url.port === '' ? 443 : Number(url.port))) throw new OutboundError('refused_url', 'a port not allowed');
    if (isAddress(host)) {
      if (!isPublicAddress(host)) throw new OutboundError('refused_address', 'not a public address');
    } else if (isLocalName(host)) {
      throw new OutboundError('refused_name', 'a local name');
    }
    return url;
  }

  /** Whether the guard would send to a URL at all (its address is checked again at connect time). */
  allows(text: string): boolean {
    try {
      this.check(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a request through the guard; its status, or an OutboundError. A redirect is a failure, never followed. */
  request(text: string, init: OutboundRequest): Promise<{ status: number }> {
    return this.counted(async () => ({ status: notRedirected(await this.limiter.run(() => this.send(this.check(text), init))) }));
  }

  /**
   * Reads a page through the guard, as a link preview does: a GET without cookies that reads at most `limit` bytes
   * of the answer (the rest is never downloaded) within `timeoutMs`. Its status, media type and those bytes.
   */
  read(text: string, { limit, timeoutMs, accept }: { limit: number; timeoutMs: number; accept: string }): Promise<{ status: number; type: string; body: Buffer }> {
    return this.exchange(text, { method: 'GET', headers: { accept }, limit, timeoutMs });
  }

  /**
   * Sends a request and reads at most `limit` bytes of its answer within `timeoutMs`, without cookies: its status,
   * media type and those bytes. What an outgoing webhook uses to hear the bot's reply.
   */
  exchange(
    text: string,
    { method, headers, body, limit, timeoutMs }: OutboundRequest & { limit: number; timeoutMs: number },
  ): Promise<{ status: number; type: string; body: Buffer }> {
    return this.counted(async () => {
      const url = this.check(text);
      return this.limiter.run(async () => {
        const signal = AbortSignal.timeout(Math.min(timeoutMs, this.options.timeoutMs));
        const response = await request(url, { dispatcher: this.agent, method, headers: { ...headers, 'user-agent': USER_AGENT }, body, signal });
        notRedirected(response.statusCode);
        const type = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const parts: Buffer[] = [];
        let length = 0;
        for await (const part of response.body as AsyncIterable<Buffer>) {
          parts.push(part);
          length += part.length;
          if (length >= limit) break;
        }
        // Leaving the loop early destroys the body: the rest of a large answer is never read.
        return { status: response.statusCode, type, body: Buffer.concat(parts).subarray(0, limit) };
      });
    });
  }

  /** Runs one outbound request, counting its answer or its failure by code. */
  private async counted<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.counts.answered++;
      return result;
    } catch (error) {
      const refusal = outboundError(error);
      this.counts[refusal.code]++;
      throw refusal;
    }
  }

  /** Abandons requests still under way: on shutdown a push is not worth waiting for. */
  close(): Promise<void> {
    return this.agent.destroy();
  }

  private async send(url: URL, init: OutboundRequest): Promise<number> {
    // Undici's request follows no redirect (none is asked for); the answer's body is read up to a bound and dropped.
    const response = await request(url, { dispatcher: this.agent, method: init.method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(this.options.timeoutMs) });
    await response.body.dump({ limit: ANSWER_LIMIT });
    return response.statusCode;
  }

  /** The name resolved once, and refused unless every address it gives is public (or the host is allowed). */
  private lookup(hostname: string, opts: unknown, callback: LookupCallback): void {
    const all = (opts as { all?: boolean } | undefined)?.all === true;
    const allowed = this.allowHosts.has(normaliseHost(hostname));
    this.resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(new OutboundError('network', `${hostname} has no address`), '', 0);
        if (!allowed && !addresses.every((a) => isPublicAddress(a.address))) {
          return callback(new OutboundError('refused_address', `${hostname} resolves to an address that is not public`), '', 0);
        }
        if (all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: unknown) => callback(new OutboundError('network', `${hostname} could not be resolved`, { cause: error }), '', 0),
    );
  }

  /** The address actually connected to must be public: an address literal skips lookup, and this is the last word. */
  private connected(hostname: string, socket: Socket, callback: buildConnector.Callback): void {
    const address = socket.remoteAddress ?? '';
    if (this.allowHosts.has(normaliseHost(hostname)) || isPublicAddress(address)) return callback(null, socket);
    socket.destroy();
    callback(new OutboundError('refused_address', `connected to ${address}, which is not public`), null);
  }
}

/** A status, unless it is a redirect: redirects are never followed, so one is a failure. */
function notRedirected(status: number): number {
  if (status >= 300 && status < 400) throw new OutboundError('redirect', `answered ${status}, a redirect, which is not followed`);
  return status;
}

type LookupCallback = (error: Error | null, address: string, family: number) => void;

/** Any failure on the way, as an OutboundError with its code. */
function outboundError(error: unknown): OutboundError {
  if (error instanceof OutboundError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof OutboundError) return cause;
  const name = (error as { name?: string } | null)?.name;
  const code = (error as { code?: string } | null)?.code;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new OutboundError('timeout', 'no answer in time', { cause: error });
  }
  return new OutboundError('network', error instanceof Error ? error.message : String(error), { cause: error });
}
