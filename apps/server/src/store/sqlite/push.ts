import type { Db } from './open.js';
import type { PushSubscriptionRow, PushTarget } from '../store.js';

/** Kept settings and Web Push subscriptions in SQLite. */
export class PushRows {
  private readonly readSetting;
  private readonly insertSetting;
  private readonly replaceSetting;
  private readonly upsert;
  private readonly trim;
  private readonly remove;
  private readonly removeOwn;
  private readonly subscribers;
  private readonly targetsOf;

  constructor(db: Db) {
    const client = db.$client;
    this.readSetting = client.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?');
    this.insertSetting = client.prepare<[string, string]>('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.replaceSetting = client.prepare<[string, string]>('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.upsert = client.prepare<[PushSubscriptionRow]>(
      `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (@userId, @endpoint, @p256dh, @auth, @createdAt)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at`,
    );
    this.trim = client.prepare<[number, number, number]>(
      `DELETE FROM push_subscriptions WHERE user_id = ? AND id NOT IN
         (SELECT id FROM push_subscriptions WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`,
    );
    this.remove = client.prepare<[string]>('DELETE FROM push_subscriptions WHERE endpoint = ?');
    this.removeOwn = client.prepare<[string, number]>('DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?');
    this.subscribers = client.prepare<[], [number]>('SELECT DISTINCT user_id FROM push_subscriptions').raw(true);
    this.targetsOf = client.prepare<[number, string], PushTarget>(
      `SELECT s.user_id AS userId, s.endpoint, s.p256dh, s.auth, m.notify
       FROM push_subscriptions s JOIN conversation_members m ON m.user_id = s.user_id AND m.conversation_id = ?
       WHERE s.user_id IN (SELECT value FROM json_each(?))`,
    );
  }

  /** Reads, or stores what `make` makes; of two processes starting at once, the first to store wins for both. */
  setting(name: string, make: () => string): string {
    const kept = this.readSetting.get(name);
    if (kept !== undefined) return kept.value;
    this.insertSetting.run(name, make());
    return this.readSetting.get(name)!.value;
  }

  putSetting(name: string, value: string): void {
    this.replaceSetting.run(name, value);
  }

  save(subscription: PushSubscriptionRow, keep: number): void {
    this.upsert.run(subscription);
    this.trim.run(subscription.userId, subscription.userId, keep);
  }

  delete(endpoint: string, userId?: number): boolean {
    return (userId === undefined ? this.remove.run(endpoint) : this.removeOwn.run(endpoint, userId)).changes > 0;
  }

  subscriberIds(): number[] {
    return this.subscribers.all().map(([id]) => id);
  }

  targets(conversationId: number, userIds: readonly number[]): PushTarget[] {
    return this.targetsOf.all(conversationId, JSON.stringify(userIds));
  }
}
