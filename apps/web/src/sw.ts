/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { PushNotification } from '@hearth/protocol';

declare const self: ServiceWorkerGlobalScope;

// The app shell: the built files, listed by the build, so the page opens without a network.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page of the app (/, /join/<code>) is the one index.html, which reads its route from the URL; the server's
// own paths are not pages and always go to the network.
const SERVER_PATHS = [/^\/api\//, /^\/ws$/, /^\/(healthz|readyz|metrics)$/];
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: SERVER_PATHS }));

// A new build takes over at once, rather than only once every tab of the old one is closed.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Web Push: the server sends a message's notification while none of its person's pages is connected.
self.addEventListener('push', (event) => {
  const push = event.data?.json() as PushNotification | undefined;
  if (push === undefined) return;
  event.waitUntil(
    self.registration.showNotification(push.title, {
      body: push.body,
      // One notification per conversation, the newest replacing the one before.
      tag: `c${push.conversation_id}`,
      icon: '/icons/icon-192.png',
      data: { conversationId: push.conversation_id },
    }),
  );
});

// A click opens the conversation: in a page already open if there is one, else in a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const conversationId = (event.notification.data as { conversationId?: number } | null)?.conversationId;
  const url = conversationId === undefined ? '/' : `/?conversation=${conversationId}`;
  event.waitUntil(
    (async () => {
      const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const page = pages[0];
      if (page === undefined) return void (await self.clients.openWindow(url));
      page.postMessage({ type: 'open_conversation', conversationId });
      await page.focus();
    })(),
  );
});
