import type { Elsewhere } from '../bus/bus.js';
import type { Connection } from './connection.js';

/**
 * Who is online: a user is online while at least one authenticated connection of theirs is open, on this process
 * or, with several behind one address, on any other.
 */
export class Presence {
  private readonly byUser = new Map<number, Set<Connection>>();
  /** Users connected to other processes, as the bus tells them; nobody with one process. */
  elsewhere: Pick<Elsewhere, 'has'> = { has: () => false };

  /** Adds an authenticated connection; true if it is the user's first (they just came online). */
  add(conn: Connection): boolean {
    const userId = conn.user!.id;
    let set = this.byUser.get(userId);
    const first = set === undefined;
    if (set === undefined) this.byUser.set(userId, (set = new Set()));
    set.add(conn);
    return first;
  }

  /** Removes a connection; true if it was the user's last (they just went offline). */
  remove(conn: Connection): boolean {
    const userId = conn.user!.id;
    const set = this.byUser.get(userId);
    if (set === undefined || !set.delete(conn)) return false;
    if (set.size > 0) return false;
    this.byUser.delete(userId);
    return true;
  }

  connectionsOf(userId: number): ReadonlySet<Connection> | undefined {
    return this.byUser.get(userId);
  }

  /** Whether the user has a connection open here or on another process. */
  isOnline(userId: number): boolean {
    return this.byUser.has(userId) || this.elsewhere.has(userId);
  }

  /** The user's connections on this process. */
  countOf(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  all(): IterableIterator<Set<Connection>> {
    return this.byUser.values();
  }
}
