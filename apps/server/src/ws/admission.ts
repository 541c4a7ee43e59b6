import type { IncomingMessage } from 'node:http';
import { addressGroup } from '../address-group.js';
import type { Config } from '../config.js';

/** A place in the pool of connections that have not signed in yet, given back when the connection signs in or closes. */
export interface Ticket {
  readonly key: string;
  readonly reserved: boolean;
}

/**
 * Who may open a WebSocket: the right origin, and room in the pool of connections that have not signed in yet.
 * Addresses are grouped by prefix (an IPv6 /64 is one subscriber), and each group gets only a share of the pool, so
 * one host holding sockets open cannot lock everyone else out. The last places are kept for upgrades that present a
 * valid token, so members still get in while many groups together (a botnet) fill the rest.
 */
export class Admission {
  private readonly allowedOrigins: Set<string>;
  private open = 0;
  private reserved = 0;
  private readonly byKey = new Map<string, number>();

  constructor(
    private readonly config: Config,
    publicUrl: string,
  ) {
    this.allowedOrigins = new Set([new URL(publicUrl).origin, ...config.allowedOrigins.map((o) => new URL(o).origin)]);
  }

  /** The group an address's connections share a place in the pool with. */
  groupOf(address: string): string {
    return addressGroup(address, this.config.unauthenticatedIpv4Prefix, this.config.unauthenticatedIpv6Prefix);
  }

  /** A place in the open part of the pool, within the group's share; undefined when there is none. */
  take(group: string): Ticket | undefined {
    if (this.open >= this.config.maxUnauthenticated - this.reservedPlaces) return undefined;
    return this.within({ key: group, reserved: false });
  }

  /** Whether a place is kept for a valid token now: worth checking the token for. */
  get reserveHasRoom(): boolean {
    return this.reserved < this.reservedPlaces;
  }

  /**
   * A kept place, for an upgrade whose token was found valid. Each group has the same share of these, so a member
   * opening sockets that never sign in cannot hold them all.
   */
  takeReserved(group: string): Ticket | undefined {
    if (!this.reserveHasRoom) return undefined;
    return this.within({ key: `${group} token`, reserved: true });
  }

  /** A connection that was waiting signed in or closed. */
  settled(ticket: Ticket): void {
    if (ticket.reserved) this.reserved -= 1;
    else this.open -= 1;
    const left = (this.byKey.get(ticket.key) ?? 1) - 1;
    if (left === 0) this.byKey.delete(ticket.key);
    else this.byKey.set(ticket.key, left);
  }

  /**
   * Browsers always send Origin; another site's page must not open a socket here. Bots send none and are allowed.
   * With a public URL configured, only it and the allowed list count: a page reached by DNS rebinding sets Host too.
   */
  originAllowed(req: IncomingMessage): boolean {
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

  /** At most a quarter of the pool: a small pool stays open to people signing in from a page without a token. */
  private get reservedPlaces(): number {
    return Math.min(this.config.unauthenticatedReservedForTokens, Math.floor(this.config.maxUnauthenticated / 4));
  }

  private within(ticket: Ticket): Ticket | undefined {
    const held = this.byKey.get(ticket.key) ?? 0;
    if (held >= this.config.maxUnauthenticatedPerAddress) return undefined;
    this.byKey.set(ticket.key, held + 1);
    if (ticket.reserved) this.reserved += 1;
    else this.open += 1;
    return ticket;
  }
}
