import type { ClientPayload } from '@hearth/protocol';

/**
 * This browser's Web Push subscription for the server's key, made if there is none: what `subscribe_push` sends.
 * Undefined where push is not available (no service worker, no permission, a browser without a push service).
 */
export async function pushSubscription(serverKey: string): Promise<ClientPayload<'subscribe_push'> | undefined> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || Notification.permission !== 'granted') return undefined;
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey }));
    const { endpoint, keys } = subscription.toJSON();
    if (endpoint === undefined || keys?.p256dh === undefined || keys.auth === undefined) return undefined;
    return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
  } catch {
    // The push service could not be reached, or the key changed: notifications still come while a page is open.
    return undefined;
  }
}

/** The conversation a notification's click asked for, from the address a new page was opened at. */
export function conversationAsked(): number | undefined {
  const id = Number(new URLSearchParams(location.search).get('conversation'));
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  history.replaceState(null, '', '/');
  return id;
}
