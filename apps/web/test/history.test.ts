import type { ChatClient } from '@hearth/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bot } from './support/bot.js';
import { join, launchBrowser, message, messages, person, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

const SEEDED = 130;

let server: TestServer;
let browser: Browser;
let seeder: { client: ChatClient; lobbyId: number };
let reader: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  seeder = await bot(server, 'Archivist');
  for (let i = 1; i <= SEEDED; i += 1) await seeder.client.sendMessage(seeder.lobbyId, `Archive entry ${i}`);
  reader = await person(browser);
  await join(reader.page, await server.invite(), 'Reader');
});

afterAll(async () => {
  seeder?.client.close();
  await browser?.close();
  await server?.destroy();
});

const scroller = (page: Page) => page.locator('[role="log"]');
const beginning = (page: Page) => page.getByText('This is the beginning of the lobby.');
const distanceFromBottom = (page: Page) =>
  scroller(page).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

describe('a long conversation', () => {
  it('opens at the newest message with only the newest page loaded', async () => {
    await expect.poll(() => message(reader.page, `Archive entry ${SEEDED}`).count()).toBe(1);
    expect(await messages(reader.page).count()).toBeLessThan(SEEDED);
    expect(await distanceFromBottom(reader.page)).toBeLessThan(2);
  });

  it('scrolling up loads older messages until the first, keeping the view in place', async () => {
    let pages = 0;
    for (let round = 0; round < 10; round += 1) {
      if (await beginning(reader.page).isVisible()) break;
      const top = messages(reader.page).first();
      const key = await top.getAttribute('data-key');
      // Where the first message will be on screen once scrolled to the very top.
      const expected = await top.evaluate((el) => el.getBoundingClientRect().top + el.closest('[role="log"]')!.scrollTop);
      await scroller(reader.page).evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => messages(reader.page).first().getAttribute('data-key')).not.toBe(key);
      // It stays there while the older page goes in above it, instead of the view jumping to the oldest message.
      const after = await reader.page.locator(`[data-key="${key}"]`).evaluate((el) => el.getBoundingClientRect().top);
      expect(Math.abs(after - expected)).toBeLessThan(50);
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    await scroller(reader.page).evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(() => beginning(reader.page).isVisible()).toBe(true);
    expect(await messages(reader.page).first().locator('.text').textContent()).toBe('Archive entry 1');
    expect(await messages(reader.page).count()).toBe(SEEDED);
    const keys = await messages(reader.page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')));
    expect(new Set(keys).size).toBe(SEEDED);
    await screenshot(reader.page, 'desktop-history-start');
  });

  it('a new message does not move a reader who scrolled up, and offers a way down', async () => {
    const top = await scroller(reader.page).evaluate((el) => el.scrollTop);
    await seeder.client.sendMessage(seeder.lobbyId, 'Arrived while reading old ones');
    await expect.poll(() => message(reader.page, 'Arrived while reading').count()).toBe(1);
    expect(await scroller(reader.page).evaluate((el) => el.scrollTop)).toBe(top);
    const down = reader.page.getByRole('button', { name: 'New messages' });
    await expect.poll(() => down.isVisible()).toBe(true);
    await down.click();
    await expect.poll(() => distanceFromBottom(reader.page)).toBeLessThan(2);
  });

  it('a new message keeps a reader at the bottom at the bottom', async () => {
    await seeder.client.sendMessage(seeder.lobbyId, 'One more at the end\nwith\nseveral\nlines');
    await expect.poll(() => message(reader.page, 'One more at the end').count()).toBe(1);
    await expect.poll(() => distanceFromBottom(reader.page)).toBeLessThan(2);
    expect(reader.errors).toEqual([]);
  });
});
