import type { PushSubscriptionRow, PushTarget } from '../store.js';
import { rows, run, type Conn } from './open.js';
import type { Tx } from './writer.js';

const READ_SETTING = { name: 'settings.read', text: 'SELECT value FROM settings WHERE name = $1' };
const INSERT_SETTING = { name: 'settings.insert', text: 'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING' };
const REPLACE_SETTING = {
  name: 'settings.replace',
  text: 'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
};
const UPSERT = {
  name: 'push.upsert',
  text: `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at`,
};
const TRIM = {
  name: 'push.trim',
  text: `DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN
    (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)`,
};
const REMOVE = { name: 'push.remove', text: 'DELETE FROM push_subscriptions WHERE endpoint = $1' };
const REMOVE_OWN = { name: 'push.remove_own', text: 'DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2' };
const SUBSCRIBERS = { name: 'push.subscribers', text: 'SELECT DISTINCT user_id FROM push_subscriptions' };
const TARGETS = {
  name: 'push.targets',
  text: `SELECT s.user_id, s.endpoint, s.p256dh, s.auth, m.notify
    FROM push_subscriptions s JOIN conversation_members m ON m.user_id = s.user_id AND m.conversation_id = $1
    WHERE s.user_id = ANY($2::integer[])`,
};

/** Reads, or stores what `make` makes; of two processes starting at once, the first to store wins for both. */
export async function setting(on: Conn, name: string, make: () => string): Promise<string> {
  const [kept] = await rows<[string]>(on, READ_SETTING, [name]);
  if (kept !== undefined) return kept[0];
  await run(on, INSERT_SETTING, [name, make()]);
  return (await rows<[string]>(on, READ_SETTING, [name]))[0]![0];
}

export async function putSetting(on: Conn, name: string, value: string): Promise<void> {
  await run(on, REPLACE_SETTING, [name, value]);
}

/** Keeps a subscription and forgets the user's oldest beyond `keep`, in one transaction. */
export async function savePushSubscription(tx: Tx, s: PushSubscriptionRow, keep: number): Promise<void> {
  await run(tx, UPSERT, [s.userId, s.endpoint, s.p256dh, s.auth, s.createdAt]);
  await run(tx, TRIM, [s.userId, keep]);
}

export async function deletePushSubscription(on: Conn, endpoint: string, userId?: number): Promise<boolean> {
  return (userId === undefined ? await run(on, REMOVE, [endpoint]) : await run(on, REMOVE_OWN, [endpoint, userId])) > 0;
}

export async function pushSubscribers(on: Conn): Promise<number[]> {
  return (await rows<[number]>(on, SUBSCRIBERS, [])).map(([id]) => id);
}

export async function pushTargets(on: Conn, conversationId: number, userIds: readonly number[]): Promise<PushTarget[]> {
  const found = await rows<[number, string, string, string, PushTarget['notify']]>(on, TARGETS, [conversationId, userIds]);
  return found.map(([userId, endpoint, p256dh, auth, notify]) => ({ userId, endpoint, p256dh, auth, notify }));
}
