/**
 * Installs the service worker that keeps the app shell, so the page opens without a network. Browsers allow one
 * only on a secure origin (localhost counts); the dev server serves no worker, and a cached shell there would hide
 * each edit.
 */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  // After the page has loaded, so the worker's own downloads never compete with the first paint.
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js')
      .catch((error: unknown) => console.warn('The app could not be kept for offline use', error));
  });
}
