import type { Message } from '@hearth/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bot } from './support/bot.js';
import { DESKTOP, expectConnected, join, launchBrowser, message, messages, person, PHONE, screenshot, settled } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;
/** Ben's messages in the lobby, in the order sent. */
const sent: Message[] = [];

const label = (n: number) => `Message ${String(n).padStart(3, '0')}`;
const state = (page: Page) => page.locator('[data-state]').getAttribute('data-state');

/** The names of the IndexedDB databases the page has. */
const databases = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));

/** What the page keeps of each conversation, as stored: conversation id → the contents kept, oldest first. */
const keptContents = (page: Page) =>
  page.evaluate(async () => {
    const session = JSON.parse(localStorage.getItem('hearth.session') ?? 'null') as { user: { id: number } } | null;
    if (session === null) return {};
    const names = (await indexedDB.databases()).map((db) => db.name);
    const name = `hearth.history.${session.user.id}`;
    if (!names.includes(name)) return {};
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open(name);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const all = await new Promise<Array<{ id: number; messages: Array<{ content: string }> }>>((resolve, reject) => {
      const read = db.transaction('conversations').objectStore('conversations').getAll();
      read.onsuccess = () => resolve(read.result);
      read.onerror = () => reject(read.error);
    });
    db.close();
    return Object.fromEntries(all.map((kept) => [kept.id, kept.messages.map((m) => m.content)]));
  });

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await join(ann.page, await server.invite(), 'Ann');
  ben = await bot(server, 'Ben');
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

describe('the recent history kept in the browser', () => {
  it('keeps the open conversation’s newest 50 messages as shown, edits and deletions applied', async () => {
    for (let n = 1; n <= 60; n++) sent.push(await ben.client.sendMessage(ben.lobbyId, label(n)));
    await expect.poll(() => message(ann.page, label(60)).count()).toBe(1);
    await ben.client.editMessage(sent[57]!.id, `${label(58)}, edited`);
    await ben.client.deleteMessage(sent[54]!.id);
    await expect.poll(() => message(ann.page, `${label(58)}, edited`).count()).toBe(1);

    await expect
      .poll(async () => (await keptContents(ann.page))[ben.lobbyId])
      .toEqual([...Array.from({ length: 50 }, (_, i) => label(i + 11))].map((text, i) => (i === 44 ? '' : i === 47 ? `${label(58)}, edited` : text)));
  });

  it('a page reloaded with no network shows them, with the conversations and names, and says it is offline', async () => {
    // The worker must control the page to open it offline.
    await ann.page.evaluate(async () => void (await navigator.serviceWorker.ready));
    await expect.poll(() => ann.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await ann.context.setOffline(true);
    expect((await ann.page.reload())?.fromServiceWorker()).toBe(true);

    await expect.poll(() => message(ann.page, label(60)).count()).toBe(1);
    // The 50th newest is there, the 51st is not: only 50 are kept.
    expect(await message(ann.page, label(11)).count()).toBe(1);
    expect(await message(ann.page, label(10)).count()).toBe(0);
    expect(await messages(ann.page).count()).toBe(50);
    // A deleted message stays deleted, and an edit stays made.
    expect(await message(ann.page, label(55)).count()).toBe(0);
    expect(await message(ann.page, `${label(58)}, edited`).count()).toBe(1);
    // Who wrote them, and the conversations.
    expect(await ann.page.locator('[role="log"]').getByText('Ben', { exact: true }).count()).toBeGreaterThan(0);
    expect(await ann.page.getByRole('navigation', { name: 'Conversations' }).isVisible()).toBe(true);
    expect(await state(ann.page)).not.toBe('online');
    await ann.page.getByRole('status').filter({ hasText: 'No network.' }).waitFor();

    await settled(ann.page);
    await screenshot(ann.page, 'desktop-history-opened-offline');
    await ann.page.setViewportSize(PHONE);
    await settled(ann.page);
    await screenshot(ann.page, 'phone-history-opened-offline');
    await ann.page.setViewportSize(DESKTOP);
  });

  it('back online, the server’s messages take the kept ones’ place with none shown twice', async () => {
    sent.push(await ben.client.sendMessage(ben.lobbyId, label(61)));
    await ann.context.setOffline(false);
    await expect.poll(() => state(ann.page), { timeout: 30_000 }).toBe('online');
    await expect.poll(() => message(ann.page, label(61)).count()).toBe(1);
    const texts = await messages(ann.page).locator('.text').allTextContents();
    expect(texts.length).toBeGreaterThanOrEqual(50);
    expect(new Set(texts).size).toBe(texts.length);
    expect(await message(ann.page, label(60)).count()).toBe(1);
    expect(await message(ann.page, label(55)).count()).toBe(0);
    // What is kept follows: the newest message is in it.
    await expect.poll(async () => (await keptContents(ann.page))[ben.lobbyId]?.at(-1)).toBe(label(61));
    expect(ann.errors).toEqual([]);
  });

  it('signing out leaves no history in the browser', async () => {
    expect(await databases(ann.page)).toContain(`hearth.history.${await ann.page.evaluate(() => (JSON.parse(localStorage.getItem('hearth.session')!) as { user: { id: number } }).user.id)}`);
    await ann.page.getByRole('button', { name: 'Sign out' }).click();
    await ann.page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => ann.page.getByRole('status').textContent()).toContain('You signed out');
    await expect.poll(() => databases(ann.page)).not.toContainEqual(expect.stringMatching(/^hearth\.history\./));
    expect(ann.errors).toEqual([]);
  });
});

describe('signing in again', () => {
  it('a new sign-in starts with nothing kept', async () => {
    await join(ann.page, await server.invite(), 'Ann again');
    await expectConnected(ann.page);
    await expect.poll(() => message(ann.page, label(61)).count()).toBe(1);
    await expect.poll(async () => Object.keys(await keptContents(ann.page)).length).toBe(1);
  });
});
