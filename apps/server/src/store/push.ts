import { type Database } from './database.js';
import { statement } from './statement.js';
import type { PushSubscriptionRow, PushTarget } from './types.js';

const READ_SETTING = statement('settings.read', 'SELECT value FROM settings WHERE name = $1');
const INSERT_SETTING = statement('settings.insert', 'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING');
const REPLACE_SETTING = statement('settings.replace', 'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
// An endpoint kept already changes only its keys, and only for the user it belongs to.
const UPSERT = statement(
  'push.upsert',
  `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5)
   ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth
   WHERE push_subscriptions.user_id = excluded.user_id`,
);
const OWNER = statement('push.owner', 'SELECT user_id FROM push_subscriptions WHERE endpoint = $1');
const COUNT = statement('push.count', 'SELECT count(*) FROM push_subscriptions WHERE user_id = $1');
const REMOVE = statement('push.remove', 'DELETE FROM push_subscriptions WHERE endpoint = $1');
const REMOVE_OWN = statement('push.remove_own', 'DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2');
const SUBSCRIBERS = statement('push.subscribers', 'SELECT DISTINCT user_id FROM push_subscriptions');

/** Values the server keeps (its VAPID keys), and browsers' Web Push subscriptions. */
export class Push {
  constructor(private readonly db: Database) {}

  /** A value the server keeps, made by `make` and stored the first time it is asked for; of two processes starting at once, the first to store wins for both. */
  async setting(name: string, make: () => string): Promise<string> {
    const [kept] = await this.db.rows<[string]>(READ_SETTING, [name]);
    if (kept !== undefined) return kept[0];
    await this.db.run(INSERT_SETTING, [name, make()]);
    return (await this.db.rows<[string]>(READ_SETTING, [name]))[0]![0];
  }

  /** Stores a value the server keeps, replacing what was there. */
  async putSetting(name: string, value: string): Promise<void> {
    await this.db.run(REPLACE_SETTING, [name, value]);
  }

  /**
   * Keeps a browser's push subscription for a user: an endpoint they have already gets its new keys. An endpoint
   * belongs to the user who subscribed it first ('taken' for anyone else), and a user has at most `max` ('full').
   * Write transactions run one at a time, so two subscribes cannot both pass the checks.
   */
  async save(s: PushSubscriptionRow, max: number): Promise<'saved' | 'taken' | 'full'> {
    return this.db.write(async (tx) => {
      const [owner] = await tx.rows<[number]>(OWNER, [s.endpoint]);
      if (owner !== undefined && Number(owner[0]) !== s.userId) return 'taken';
      if (owner === undefined && Number((await tx.rows<[number | string]>(COUNT, [s.userId]))[0]![0]) >= max) return 'full';
      await tx.run(UPSERT, [s.userId, s.endpoint, s.p256dh, s.auth, s.createdAt]);
      return 'saved';
    });
  }

  /** Forgets a push subscription (only the user's own, when `userId` is given); whether there was one. */
  async delete(endpoint: string, userId?: number): Promise<boolean> {
    return (userId === undefined ? await this.db.run(REMOVE, [endpoint]) : await this.db.run(REMOVE_OWN, [endpoint, userId])) > 0;
  }

  /** Users with at least one push subscription. */
  async subscribers(): Promise<number[]> {
    return (await this.db.rows<[number]>(SUBSCRIBERS)).map(([id]) => id);
  }

  /** The push subscriptions of these users who are members of the conversation, with their notify level there. */
  async targets(conversationId: number, userIds: readonly number[]): Promise<PushTarget[]> {
    const rows = await this.db.rows<[number, string, string, string, PushTarget['notify']]>(this.db.sql.pushTargets, [conversationId, userIds]);
    return rows.map(([userId, endpoint, p256dh, auth, notify]) => ({ userId, endpoint, p256dh, auth, notify }));
  }
}
