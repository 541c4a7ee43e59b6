import { redeemInvite } from '@hearth/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { join, launchBrowser, message, person, PHONE, screenshot, settled } from './support/browser.js';
import { TestServer } from './support/server.js';

// Past this many people a sign-in names only the person's contacts: the page fetches the others when it needs them.
const FULL_DIRECTORY_MAX = 3;

let server: TestServer;
let browser: Browser;
let ben: Awaited<ReturnType<typeof bot>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start({ fullDirectoryMax: FULL_DIRECTORY_MAX }), launchBrowser()]);
  ben = await bot(server, 'Ben');
  await ben.client.sendMessage(ben.lobbyId, 'Hello from Ben');
  for (const nickname of ['Cy', 'Dee', 'Eli']) await redeemInvite(await server.invite(), nickname);
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

const people = (page: import('playwright-core').Page) =>
  page.getByRole('list', { name: /People/ }).locator('[data-user]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-user')));

describe('a server with more people than a sign-in names', () => {
  it('names the sender of an old message it was not told of, and lists everyone when asked', async () => {
    const ann = await person(browser);
    await join(ann.page, await server.invite(), 'Ann');
    await expect.poll(() => message(ann.page, 'Hello from Ben').locator('.author').textContent()).toBe('Ben');

    const showEveryone = ann.page.getByRole('button', { name: 'Show everyone' });
    await showEveryone.waitFor();
    // Ben is known now, from his message; nobody else yet.
    expect(await people(ann.page)).toEqual(['Ben']);
    await settled(ann.page);
    await screenshot(ann.page, 'desktop-people-partial');

    await showEveryone.click();
    await expect.poll(() => people(ann.page)).toEqual(['Ben', 'Cy', 'Dee', 'Eli']);
    expect(await showEveryone.count()).toBe(0);
    expect(await seriousViolations(ann.page)).toEqual([]);
    await screenshot(ann.page, 'desktop-people-everyone');
    expect(ann.errors).toEqual([]);
    await ann.context.close();
  });

  it('fetches everyone to choose from when a new group is started on a phone', async () => {
    const fay = await person(browser, { viewport: PHONE });
    await join(fay.page, await server.invite(), 'Fay');
    await fay.page.getByRole('button', { name: /Open conversations/ }).click();
    await fay.page.getByRole('button', { name: 'Show everyone' }).waitFor();
    await settled(fay.page);
    await screenshot(fay.page, 'phone-people-partial');
    await fay.page.getByRole('button', { name: 'New group' }).click();
    const dialog = fay.page.getByRole('dialog', { name: 'New group' });
    for (const name of ['Ann', 'Ben', 'Cy', 'Dee', 'Eli']) await dialog.getByLabel(name).waitFor();
    await dialog.getByLabel('Dee').check();
    await settled(fay.page);
    expect(await seriousViolations(fay.page)).toEqual([]);
    await screenshot(fay.page, 'phone-new-group-partial');
    await dialog.getByRole('button', { name: 'Create group of 2' }).click();
    await expect.poll(() => fay.page.getByRole('heading', { level: 1 }).textContent()).toBe('Dee');
    expect(fay.errors).toEqual([]);
    await fay.context.close();
  });

  it('names a sender as they are now after a reconnect, though they were renamed while it was away', async () => {
    const gil = await person(browser);
    await join(gil.page, await server.invite(), 'Gil');
    const author = message(gil.page, 'Hello from Ben').locator('.author');
    await expect.poll(() => author.textContent()).toBe('Ben');
    await server.stop();
    await gil.page.locator('[data-state="online"]').waitFor({ state: 'detached' });
    await server.restart();
    await expect.poll(() => ben.client.state, { timeout: 30_000 }).toBe('online');
    await ben.client.setNickname('Benji');
    await expect.poll(() => author.textContent(), { timeout: 30_000 }).toBe('Benji');
    expect(gil.errors).toEqual([]);
    await gil.context.close();
  });
});
