import type { ChatClient } from '@hearth/client';
import type { User } from '@hearth/protocol';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { byName } from '../lib/names.js';

/**
 * Everyone on the server this page knows of, and who of them is online right now. On a big server the sign-in
 * names only some (`users_partial`): anyone else is fetched when first looked up, and everyone when a list of
 * everyone is about to be shown.
 */
export class People {
  readonly users = new SvelteMap<number, User>();
  readonly online = new SvelteSet<number>();
  /** False while this page is not connected: who is online is unknown then, so nobody is shown as online. */
  connected = $state(false);
  /**
   * A big server told this page of its contacts only (the people in its DMs and groups): their presence alone is
   * known, for the whole session.
   */
  scoped = $state(false);
  /** Some people on the server are not known yet; `loadEveryone` fetches them. */
  partial = $state(false);
  /** Everyone is being fetched. */
  loading = $state(false);
  /** Ids asked for since the last sign-in: each is asked once, and one nobody has is not asked again. */
  private readonly asked = new Set<number>();
  private readonly waiting = new Set<number>();
  /** The last sign-in's people, shown until this one's answers come, so names do not blink on a reconnect. */
  private before = new Map<number, User>();
  private fetching: Promise<void> | null = null;
  /** Counts sign-ins, so a list fetched before the last one is not taken as this one's. */
  private signIns = 0;

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

  constructor(
    /** Who this person is, as the server last said. */
    private readonly me: () => number,
    private readonly client: Pick<ChatClient, 'findUsers' | 'allUsers'>,
  ) {}

  /** The person, when known; on a partial directory someone unknown is asked for and shows once the answer comes. */
  user(id: number): User | undefined {
    const user = this.users.get(id);
    if (user !== undefined) return user;
    this.ask(id);
    return this.before.get(id);
  }

  nickname(id: number): string {
    return this.user(id)?.nickname ?? 'Someone';
  }

  /** Starts over from a sign-in's view of the server; `partial` when it named only some of everyone. */
  reset(users: User[], online: User[], partial = false): void {
    this.before = partial ? new Map(this.users) : new Map();
    this.users.clear();
    this.online.clear();
    this.asked.clear();
    this.fetching = null;
    this.signIns += 1;
    this.loading = false;
    this.scoped = partial;
    this.partial = partial;
    for (const user of [...users, ...online]) this.users.set(user.id, user);
    for (const user of online) this.online.add(user.id);
  }

  /** Fetches everyone the page does not know yet, for a list of everyone to choose from; at once when it knows all. */
  loadEveryone(): Promise<void> {
    if (!this.partial) return Promise.resolve();
    this.fetching ??= this.fetchEveryone();
    return this.fetching;
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

  private async fetchEveryone(): Promise<void> {
    this.loading = true;
    const signIn = this.signIns;
    try {
      const everyone = await this.client.allUsers();
      if (signIn !== this.signIns) return;
      for (const user of everyone) this.users.set(user.id, user);
      this.partial = false;
      this.before.clear();
    } catch {
      // Offline or refused: the next list shown asks again.
      if (signIn === this.signIns) this.fetching = null;
    } finally {
      if (signIn === this.signIns) this.loading = false;
    }
  }

  /** Look-ups of one moment (a page of history naming its senders) go out as one request. */
  private ask(id: number): void {
    if (!this.partial || this.asked.has(id)) return;
    this.asked.add(id);
    this.waiting.add(id);
    if (this.waiting.size === 1) queueMicrotask(() => void this.fetchWaiting());
  }

  private async fetchWaiting(): Promise<void> {
    const ids = [...this.waiting];
    this.waiting.clear();
    try {
      for (const user of await this.client.findUsers(ids)) this.users.set(user.id, user);
    } catch {
      // Not answered (offline, refused): asked again at the next look-up.
      for (const id of ids) this.asked.delete(id);
    }
  }
}
