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

  /** Everyone but this person: online people first, then by name, and deactivated accounts last. */
  readonly others = $derived(
    [...this.users.values()]
      .filter((user) => user.id !== this.me())
      .sort(
        (a, b) =>
          Number(a.deactivated === true) - Number(b.deactivated === true) ||
          Number(this.isOnline(b.id)) - Number(this.isOnline(a.id)) ||
          byName(a, b),
      ),
  );

  /** Everyone but this person who can still be written to or added to a group: not deactivated. */
  readonly active = $derived(this.others.filter((user) => user.deactivated !== true));

  /** Everyone, this person included, by name. */
  readonly everyone = $derived([...this.users.values()].sort(byName));

  /** `me` says who this person is, as the server last said. */
  constructor(private readonly me: () => number) {}

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
