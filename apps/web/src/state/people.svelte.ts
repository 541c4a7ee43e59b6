import type { User } from '@hearth/protocol';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { byName } from '../lib/names.js';

/** Everyone on the server, and who of them is online right now. */
export class People {
  readonly users = new SvelteMap<number, User>();
  readonly online = new SvelteSet<number>();
  /** False while this page is not connected: who is online is unknown then, so nobody is shown as online. */
  connected = $state(false);

  isOnline(id: number): boolean {
    return this.connected && this.online.has(id);
  }

  get onlineCount(): number {
    return this.connected ? this.online.size : 0;
  }

  /** Everyone but `me`: online people first, then by name, and deactivated accounts last. */
  others(me: number): User[] {
    return [...this.users.values()]
      .filter((user) => user.id !== me)
      .sort(
        (a, b) =>
          Number(a.deactivated === true) - Number(b.deactivated === true) ||
          Number(this.isOnline(b.id)) - Number(this.isOnline(a.id)) ||
          byName(a, b),
      );
  }

  /** Everyone but `me` who can still be written to or added to a group: not deactivated. */
  active(me: number): User[] {
    return this.others(me).filter((user) => user.deactivated !== true);
  }

  nickname(id: number): string {
    return this.users.get(id)?.nickname ?? 'Someone';
  }

  /** Starts over from a sign-in's view of the server. */
  reset(users: User[], online: User[]): void {
    this.users.clear();
    this.online.clear();
    for (const user of [...users, ...online]) this.users.set(user.id, user);
    for (const user of online) this.online.add(user.id);
  }

  /** Someone redeemed an invite. */
  join(user: User): void {
    this.users.set(user.id, user);
  }

  /** Someone came online; they may have just joined the server. */
  arrive(user: User): void {
    this.users.set(user.id, user);
    this.online.add(user.id);
  }

  leave(id: number): void {
    this.online.delete(id);
  }
}
