import { ErrorCode, type ClientPayload, type User } from '@hearth/protocol';
import { ok, refuse, type Result } from '../domain/result.js';
import { nowSeconds } from '../domain/tokens.js';
import { OutboundError } from '../outbound/errors.js';
import type { OutboundGuard } from '../outbound/guard.js';
import type { Store } from '../store/store.js';

/** The users with a push subscription, kept in memory so a message to people without one costs no query. */
export class PushSubscriptions {
  readonly subscribers = new Set<number>();

  constructor(
    private readonly store: Store,
    /** The server posts to endpoints people give it, so an endpoint must be one the guard would send to. */
    private readonly guard: OutboundGuard,
    /** Subscriptions one user may have. */
    private readonly max: number,
  ) {}

  async load(): Promise<void> {
    for (const id of await this.store.push.subscribers()) this.subscribers.add(id);
  }

  async subscribe(actor: User, input: ClientPayload<'subscribe_push'>): Promise<Result<void>> {
    if (!this.acceptable(input.endpoint)) {
      return refuse(ErrorCode.InvalidPushSubscription, 'A push endpoint must be the https address of a push service');
    }
    const { endpoint, keys } = input;
    const saved = await this.store.push.save({ userId: actor.id, endpoint, p256dh: keys.p256dh, auth: keys.auth, createdAt: nowSeconds() }, this.max);
    // Whoever subscribed an endpoint first keeps it: otherwise anyone who learns it could take another's notifications away.
    if (saved === 'taken') return refuse(ErrorCode.PushEndpointTaken, 'This push endpoint belongs to someone else');
    if (saved === 'full') return refuse(ErrorCode.TooManyPushSubscriptions, `At most ${this.max} push subscriptions per user: unsubscribe one first`);
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

  /** An endpoint the guard would send to: refused now, with a code, rather than failing at every message later. */
  private acceptable(endpoint: string): boolean {
    try {
      this.guard.check(endpoint);
      return true;
    } catch (error) {
      if (error instanceof OutboundError) return false;
      throw error;
    }
  }
}
