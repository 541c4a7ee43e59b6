import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';

/**
 * Who may open a WebSocket: the right origin, and room in the pool of connections that have not signed in yet.
 * Each client address gets only a share of that pool, so one host holding sockets open cannot lock everyone else out.
 */
export class Admission {
  private readonly allowedOrigins: Set<string>;
  private unauthenticated = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly config: Config,
    publicUrl: string,
  ) {
    this.allowedOrigins = new Set([new URL(publicUrl).origin, ...config.allowedOrigins.map((o) => new URL(o).origin)]);
  }

  /** The HTTP status refusing an upgrade, or undefined when it may go ahead. */
  refusal(req: IncomingMessage, address: string): { status: number; text: string } | undefined {
    if (!this.originAllowed(req)) return { status: 403, text: 'Forbidden' };
    if (this.unauthenticated >= this.config.maxUnauthenticated) return { status: 503, text: 'Service Unavailable' };
    if ((this.byAddress.get(address) ?? 0) >= this.config.maxUnauthenticatedPerAddress) return { status: 503, text: 'Service Unavailable' };
    return undefined;
  }

  /** A connection opened and is waiting to sign in. */
  opened(address: string): void {
    this.unauthenticated += 1;
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
  }

  /** A connection that was waiting signed in or closed. */
  settled(address: string): void {
    this.unauthenticated -= 1;
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, left);
  }

  /**
   * Browsers always send Origin; another site's page must not open a socket here. Bots send none and are allowed.
   * With a public URL configured, only it and the allowed list count: a page reached by DNS rebinding sets Host too.
   */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.allowedOrigins.has(origin)) return true;
    if (this.config.publicUrl !== '') return false;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
}
