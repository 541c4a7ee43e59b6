import type { ChatClient } from '@hearth/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, DESKTOP, expectConnected, join, launchBrowser, message, messages, person, PHONE, say, screenshot, settled } from './support/browser.js';
import { bot } from './support/bot.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: { client: ChatClient };
/** Every lobby message Ben's program received, by content, counted. */
const received = new Map<string, number>();
/** What the page's Content-Security-Policy refused, as the page reports it. */
const violations: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await ann.page.exposeFunction('reportViolation', (directive: string) => violations.push(directive));
  await ann.page.addInitScript(() => {
    const report = (window as unknown as { reportViolation: (directive: string) => void }).reportViolation;
    document.addEventListener('securitypolicyviolation', (event) => report(`${event.violatedDirective} ${event.blockedURI}`));
  });
  ann.page.on('console', (entry) => entry.text().includes('Content Security Policy') && violations.push(entry.text()));
  await join(ann.page, await server.invite(), 'Ann');
  ben = await bot(server, 'Ben');
  ben.client.on('message', ({ payload }) => received.set(payload.content, (received.get(payload.content) ?? 0) + 1));
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

/** The address the page is served from, which its service worker belongs to. */
const origin = () => new URL(ann.page.url()).origin;

/** Width and height a PNG file states in its header, or undefined for anything that is not a PNG. */
function pngSize(bytes: Buffer): string | undefined {
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return undefined;
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

async function png(path: string): Promise<{ type: string | null; size: string | undefined }> {
  const res = await fetch(new URL(path, server.url));
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), size: pngSize(Buffer.from(await res.arrayBuffer())) };
}

/** Everything the page keeps of what its person wrote, as stored. */
const kept = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('hearth.sends.'))
      .map((key) => localStorage.getItem(key))
      .join('\n'),
  );

const state = (page: Page) => page.locator('[data-state]').getAttribute('data-state');

describe('installing the app', () => {
  it('links a web manifest that names the app and icons that are PNGs of the sizes it states', async () => {
    const href = await ann.page.locator('link[rel="manifest"]').getAttribute('href');
    const res = await fetch(new URL(href!, server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json\b/);
    const manifest = (await res.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      scope: string;
      display: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Hearth', short_name: 'Hearth', start_url: '/', scope: '/', display: 'standalone' });

    for (const icon of manifest.icons) {
      expect(icon.type).toBe('image/png');
      expect(await png(icon.src)).toEqual({ type: 'image/png', size: icon.sizes });
    }
    // Android wants 192 and 512 pixels, and a maskable icon to cut its own shape from.
    const sizes = (purpose: string) =>
      manifest.icons.filter((icon) => (icon.purpose ?? 'any') === purpose).map((icon) => icon.sizes);
    expect(sizes('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(sizes('maskable')).toEqual(['512x512']);

    const touchIcon = await ann.page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    expect(await png(touchIcon!)).toEqual({ type: 'image/png', size: '180x180' });
  });

  it('installs a service worker that controls the page and keeps the uncompressed files, so the app installs', async () => {
    const worker = () =>
      ann.page.evaluate(async () => {
        const { active, scope } = await navigator.serviceWorker.ready;
        return { script: active?.scriptURL, state: active?.state, scope };
      });
    await expect.poll(worker).toEqual({ script: `${origin()}/sw.js`, state: 'activated', scope: `${origin()}/` });
    await ann.page.reload();
    await expectConnected(ann.page);
    expect(await ann.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${origin()}/sw.js`);

    // Chromium's own verdict: it reads the manifest without complaint and would offer to install the app, but for
    // the private profile every test browser runs in.
    const cdp = await ann.context.newCDPSession(ann.page);
    const { url, errors } = await cdp.send('Page.getAppManifest');
    expect({ url, errors }).toEqual({ url: `${origin()}/manifest.webmanifest`, errors: [] });
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();

    // A new build must reach everyone: the worker's own script is never taken from the HTTP cache.
    const script = await fetch(`${server.url}/sw.js`);
    expect(script.headers.get('cache-control')).toBe('no-cache');

    const cached = await ann.page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    const pageScripts = await ann.page
      .locator('script[src]')
      .evaluateAll((scripts) => scripts.map((script) => new URL((script as HTMLScriptElement).src).pathname));
    expect(cached).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest', ...pageScripts]));
    expect(cached.filter((path) => /\.(br|gz|map)$/.test(path))).toEqual([]);
  });
});

describe('opening without a network', () => {
  it('opens the chat shell with no network, and holds on to what was written offline', async () => {
    await ann.context.setOffline(true);
    await expect.poll(() => state(ann.page), { timeout: 10_000 }).not.toBe('online');
    await say(ann.page, 'Written with no network');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(1);

    // The browser's own cache must revalidate the page, which it cannot offline: the worker answers instead.
    expect((await ann.page.reload())?.fromServiceWorker()).toBe(true);
    // Not yet signed in since the page opened, the client says it is connecting, and keeps trying.
    await expect.poll(() => ann.page.getByRole('status').filter({ hasText: 'Connecting…' }).count()).toBe(1);
    expect(await state(ann.page)).toBe('connecting');
    expect(await ann.page.getByRole('navigation', { name: 'Conversations' }).isVisible()).toBe(true);
    expect(await ann.page.locator('footer').textContent()).toContain('Ann');
    expect(await composer(ann.page).isVisible()).toBe(true);
    expect(await kept(ann.page)).toContain('Written with no network');
    // The conversations of the last sign-in are shown, with the message waiting to go, and the page says why.
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(1);
    expect(await message(ann.page, 'Written with no network').count()).toBe(1);
    await ann.page.getByRole('status').filter({ hasText: 'Messages you send now will go out once you’re back' }).waitFor();

    await settled(ann.page);
    await screenshot(ann.page, 'desktop-opened-offline');
    await ann.page.setViewportSize(PHONE);
    await screenshot(ann.page, 'phone-opened-offline');
    await ann.page.setViewportSize(DESKTOP);

    // However often it is opened offline, the send waits, and nothing reached anyone.
    expect((await ann.page.reload())?.fromServiceWorker()).toBe(true);
    await ann.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect(await state(ann.page)).toBe('connecting');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(1);
    expect(received.get('Written with no network')).toBeUndefined();
  });

  it('back online, what was written offline goes out once', async () => {
    await ann.context.setOffline(false);
    await expect.poll(() => state(ann.page), { timeout: 30_000 }).toBe('online');
    await expect.poll(() => received.get('Written with no network'), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => message(ann.page, 'Written with no network').count()).toBe(1);
    expect(await messages(ann.page, 'pending').count()).toBe(0);
    expect(await kept(ann.page)).not.toContain('Written with no network');

    await ann.page.reload();
    await expectConnected(ann.page);
    await expect.poll(() => message(ann.page, 'Written with no network').count()).toBe(1);
    // Online and caught up with nothing waiting to go: the reloaded page had nothing of it left to send again.
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(0);
    expect(await kept(ann.page)).not.toContain('Written with no network');
    expect(received.get('Written with no network')).toBe(1);
    expect(violations).toEqual([]);
    expect(ann.errors).toEqual([]);
  });
});
