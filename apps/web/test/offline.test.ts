import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, expectConnected, join, launchBrowser, message, messages, person, PHONE, say, screenshot, settled } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof person>>;

/**
 * Ann's socket goes through this switch, so her connection alone can be cut while Ben stays online. Chromium's
 * offline mode does not reach WebSockets that are already open.
 */
const network = {
  offline: false,
  /** Frames from the server are swallowed, as when a connection dies with replies still in flight. */
  deaf: false,
  open: new Set<{ page: WebSocketRoute; server: WebSocketRoute }>(),
  cut() {
    for (const link of this.open) {
      link.server.close();
      link.page.close();
    }
    this.open.clear();
  },
};

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await ann.context.routeWebSocket(/\/ws$/, (page) => {
    if (network.offline) return page.close();
    const link = { page, server: page.connectToServer() };
    page.onMessage((frame) => link.server.send(frame));
    link.server.onMessage((frame) => network.deaf || page.send(frame));
    network.open.add(link);
  });
  ben = await person(browser);
  await join(ann.page, await server.invite(), 'Ann');
  await join(ben.page, await server.invite(), 'Ben');
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

const state = (page: Page) => page.locator('[data-state]').getAttribute('data-state');

describe('losing the connection', () => {
  it('shows the connection state and keeps what is written offline as pending', async () => {
    network.offline = true;
    network.cut();
    await expect.poll(() => state(ann.page)).toBe('reconnecting');
    await expect.poll(() => ann.page.getByRole('status').filter({ hasText: 'Reconnecting…' }).count()).toBeGreaterThan(0);

    await say(ben.page, 'You missed this one');
    await say(ann.page, 'Written while offline');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(1);
    await expect.poll(() => ann.page.locator('.pending-label').textContent()).toBe('Waiting for connection');
    expect(await message(ann.page, 'You missed this one').count()).toBe(0);
    await settled(ann.page);
    await screenshot(ann.page, 'desktop-offline');
  });

  it('back online, the pending message goes out once and what was missed appears', async () => {
    network.offline = false;
    await expect.poll(() => state(ann.page), { timeout: 30_000 }).toBe('online');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(0);
    await expect.poll(() => message(ann.page, 'You missed this one').count()).toBe(1);
    expect(await message(ann.page, 'Written while offline').count()).toBe(1);
    await expect.poll(() => message(ben.page, 'Written while offline').count()).toBe(1);
  });

  it('a message whose acknowledgement was lost is not stored twice', async () => {
    network.deaf = true;
    await say(ann.page, 'Reply lost on the way');
    await expect.poll(() => message(ben.page, 'Reply lost on the way').count()).toBe(1);
    expect(await messages(ann.page, 'pending').count()).toBe(1);
    network.deaf = false;
    network.cut();
    await expect.poll(() => messages(ann.page, 'pending').count(), { timeout: 30_000 }).toBe(0);
    expect(await message(ann.page, 'Reply lost on the way').count()).toBe(1);
    expect(await messages(ann.page, 'failed').count()).toBe(0);

    await ben.page.reload();
    await expectConnected(ben.page);
    await expect.poll(() => message(ben.page, 'Written while offline').count()).toBe(1);
    expect(await message(ben.page, 'Reply lost on the way').count()).toBe(1);
  });

  it('a server restart on the same database sends the pending message once', async () => {
    await server.stop();
    await expect.poll(() => state(ann.page)).toBe('reconnecting');
    await say(ann.page, 'Sent across a restart');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(1);
    await server.restart();

    await expect.poll(() => state(ann.page), { timeout: 30_000 }).toBe('online');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(0);
    await expect.poll(() => message(ben.page, 'Sent across a restart').count(), { timeout: 30_000 }).toBe(1);
    await ann.page.reload();
    await expectConnected(ann.page);
    await expect.poll(() => message(ann.page, 'Sent across a restart').count()).toBe(1);
    expect([...ann.errors, ...ben.errors]).toEqual([]);
  });
});

describe('the browser losing its network', () => {
  it('shows it within seconds, and is back within 3 s of the network returning', async () => {
    await expect.poll(() => state(ann.page), { timeout: 30_000 }).toBe('online');
    const lost = Date.now();
    await ann.context.setOffline(true);
    await expect.poll(() => state(ann.page), { timeout: 10_000 }).not.toBe('online');
    const noticedMs = Date.now() - lost;
    await expect.poll(() => ann.page.getByRole('button', { name: 'Reconnect now' }).count()).toBe(1);
    // Who is online cannot be known while offline: nobody is shown as online.
    expect(await ann.page.locator('.dot.online').count()).toBe(0);
    await settled(ann.page);
    await screenshot(ann.page, 'desktop-network-lost');
    await ann.page.setViewportSize(PHONE);
    await screenshot(ann.page, 'phone-network-lost');
    await ann.page.setViewportSize(DESKTOP);

    const back = Date.now();
    await ann.context.setOffline(false);
    await expect.poll(() => state(ann.page), { timeout: 3_000 }).toBe('online');
    console.log(`offline noticed in ${noticedMs} ms; back online in ${Date.now() - back} ms`);
    await expect.poll(() => ann.page.locator('.dot.online').count()).toBeGreaterThan(0);
    await say(ann.page, 'Back from the tunnel');
    await expect.poll(() => message(ben.page, 'Back from the tunnel').count()).toBe(1);
  });
});
