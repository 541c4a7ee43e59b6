import { isIP } from 'node:net';
import { ErrorCode, MAX_PUSH_SUBSCRIPTIONS, type ClientPayload, type User } from '@hearth/protocol';
import { ok, refuse, type Result } from '../domain/result.js';
import { nowSeconds } from '../domain/tokens.js';
import type { Store } from '../store/store.js';

/** The users with a push subscription, kept in memory so a message to people without one costs no query. */
export class PushSubscriptions {
  readonly subscribers = new Set<number>();

  constructor(
    private readonly store: Store,
    /** Hosts that may be reached over http or on a local address: the server posts to endpoints people give it. */
    private readonly insecureHosts: readonly string[],
  ) {}

  async load(): Promise<void> {
    for (const id of await this.store.push.subscribers()) this.subscribers.add(id);
  }

  async subscribe(actor: User, input: ClientPayload<'subscribe_push'>): Promise<Result<void>> {
    if (!this.acceptable(input.endpoint)) {
      return refuse(ErrorCode.InvalidPushSubscription, 'A push endpoint must be the https address of a push service');
    }
    const { endpoint, keys } = input;
    await this.store.push.save({ userId: actor.id, endpoint, p256dh: keys.p256dh, auth: keys.auth, createdAt: nowSeconds() }, MAX_PUSH_SUBSCRIPTIONS);
    this.subscribers.add(actor.id);
    return ok(undefined);
  }

  async unsubscribe(actor: User, endpoint: string): Promise<void> {
    await this.store.push.delete(endpoint, actor.id);
    await this.refresh(actor.id);
  }

  /** The push service said this endpoint is gone: nobody is notified there again. */
  async gone(userId: number, endpoint: string): Promise<void> {
    await this.store.push.delete(endpoint);
    await this.refresh(userId);
  }

  /** Another server process changed this user's subscriptions: whether they have any is read again. */
  async reload(userId: number): Promise<void> {
    if ((await this.store.push.subscribers()).includes(userId)) this.subscribers.add(userId);
    else this.subscribers.delete(userId);
  }

  private async refresh(userId: number): Promise<void> {
    if (!(await this.store.push.subscribers()).includes(userId)) this.subscribers.delete(userId);
  }

  /** An https URL of a host on the internet, so a subscription cannot make the server post into its own network. */
  private acceptable(endpoint: string): boolean {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return false;
    }
    if (url.username !== '' || url.password !== '') return false;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (this.insecureHosts.includes(host)) return url.protocol === 'https:' || url.protocol === 'http:';
    return url.protocol === 'https:' && isIP(host) === 0 && host !== 'localhost' && host.includes('.') && !host.endsWith('.local');
  }
}
