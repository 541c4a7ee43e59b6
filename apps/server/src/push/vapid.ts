import webpush from 'web-push';
import type { Store } from '../store/store.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The server's Web Push identity: made on first start and kept in the database, since every browser's subscription
 * is bound to the public key it was made with.
 */
export async function vapidKeys(store: Store): Promise<VapidKeys> {
  return JSON.parse(await store.push.setting('vapid_keys', () => JSON.stringify(webpush.generateVAPIDKeys()))) as VapidKeys;
}
