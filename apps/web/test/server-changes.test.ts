import type { Browser, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bot } from './support/bot.js';
import { join, launchBrowser, message, person, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;

/** Ann's socket passes through here, so the test can cut it, and speak to her page as a newer server would. */
const network = {
  offline: false,
  /** Every frame the server sent Ann's page. */
  heard: [] as string[],
  links: new Set<{ page: WebSocketRoute; server: WebSocketRoute }>(),
  cut() {
    for (const link of this.links) {
      link.server.close();
      link.page.close();
    }
    this.links.clear();
  },
  /** Sends a frame to Ann's page as if the server had. */
  push(frame: object) {
    for (const link of this.links) link.page.send(JSON.stringify(frame));
  },
};

beforeAll(async () => {
  // The server keeps only the newest few changes, and trims often: a page away for a while cannot catch up.
  [server, browser] = await Promise.all([TestServer.start({ changeLogMaxRows: 5, changeLogTrimIntervalMs: 100 }), launchBrowser()]);
  ann = await person(browser);
  await ann.context.routeWebSocket(/\/ws$/, (page) => {
    if (network.offline) return page.close();
    const link = { page, server: page.connectToServer() };
    page.onMessage((frame) => link.server.send(frame));
    link.server.onMessage((frame) => {
      network.heard.push(String(frame));
      page.send(frame);
    });
    network.links.add(link);
  });
  await join(ann.page, await server.invite(), 'Ann');
  ben = await bot(server, 'Ben');
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

const state = () => ann.page.locator('[data-state]').getAttribute('data-state');

describe('what the server changes under an open page', () => {
  it('a page away longer than the server keeps changes reloads what it shows, and misses nothing', async () => {
    await ben.client.sendMessage(ben.lobbyId, 'Before Ann left');
    await expect.poll(() => message(ann.page, 'Before Ann left').count()).toBe(1);
    network.offline = true;
    network.cut();
    await expect.poll(() => state()).toBe('reconnecting');
    for (let i = 1; i <= 20; i++) await ben.client.sendMessage(ben.lobbyId, `While Ann was away (${i})`);
    await new Promise((resolve) => setTimeout(resolve, 400));

    network.offline = false;
    await expect.poll(() => state(), { timeout: 30_000 }).toBe('online');
    for (const text of ['Before Ann left', 'While Ann was away (1)', 'While Ann was away (20)']) {
      await expect.poll(() => message(ann.page, text).count(), { message: text }).toBe(1);
    }
    expect(network.heard.some((frame) => frame.includes('"code":"resync_required"'))).toBe(true);
    await ben.client.sendMessage(ben.lobbyId, 'After Ann came back');
    await expect.poll(() => message(ann.page, 'After Ann came back').count()).toBe(1);
    await screenshot(ann.page, 'desktop-after-resync');
    expect(ann.errors).toEqual([]);
  });

  it('an open page takes frames with fields and event types it does not know without a hitch', async () => {
    network.push({ type: 'something_new', payload: { whatever: 1 } });
    network.push({ type: 'user_online', payload: { user: { id: ben.userId, nickname: 'Ben', status: 'busy' }, since: 1 }, extra: true });
    await ben.client.sendMessage(ben.lobbyId, 'Still fine');
    await expect.poll(() => message(ann.page, 'Still fine').count()).toBe(1);
    expect(await state()).toBe('online');
    expect(ann.errors).toEqual([]);
  });
});
