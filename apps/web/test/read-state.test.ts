import { mentionToken } from '@hearth/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { expectConnected, join, launchBrowser, message, person, PHONE, screenshot, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let laptop: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;
let cy: Awaited<ReturnType<typeof bot>>;
let annId: number;

/** Ann's second device: another browser, signed in as her with the session her laptop keeps. */
async function secondDevice(options: Parameters<typeof person>[1] = {}): Promise<Awaited<ReturnType<typeof person>>> {
  const session = await laptop.page.evaluate(() => localStorage.getItem('hearth.session')!);
  const device = await person(browser, options);
  await device.context.addInitScript((kept) => localStorage.getItem('hearth.session') ?? localStorage.setItem('hearth.session', kept), session);
  await device.page.goto(server.url);
  await expectConnected(device.page);
  return device;
}

const link = (page: Page, name: string) => page.locator('nav[aria-label="Conversations"] button.item', { hasText: name });
const badge = (page: Page, name: string) => link(page, name).locator('.badge');

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  laptop = await person(browser);
  await join(laptop.page, await server.invite(), 'Ann');
  annId = await userIdOf(laptop.page);
  [ben, cy] = [await bot(server, 'Ben'), await bot(server, 'Cy')];
});

afterAll(async () => {
  ben?.client.close();
  cy?.client.close();
  await browser?.close();
  await server?.destroy();
});

describe('read state', () => {
  it('shows unread DMs bold with a count, newest first, in the title, and still after a reload', async () => {
    const withBen = await ben.client.createDm(annId);
    const withCy = await cy.client.createDm(annId);
    await ben.client.sendMessage(withBen.id, 'Are you coming tonight?');
    await ben.client.sendMessage(withBen.id, 'Bring the cards');
    await cy.client.sendMessage(withCy.id, 'Lunch tomorrow?');
    await expect.poll(() => badge(laptop.page, 'Cy').textContent()).toContain('1');
    await expect.poll(() => badge(laptop.page, 'Ben').textContent()).toContain('2');
    await expect.poll(() => laptop.page.title()).toBe('(3) Hearth');
    // Cy wrote last, so Cy's DM comes first.
    const dms = laptop.page.locator('nav ul[aria-labelledby="dms-heading"] button.item .label');
    expect(await dms.allTextContents()).toEqual(['Cy', 'Ben']);
    const favicon = await laptop.page.locator('link[rel="icon"]').getAttribute('href');
    expect(favicon).toMatch(/^data:image\/svg\+xml,/);
    await screenshot(laptop.page, 'desktop-unread');

    await laptop.page.reload();
    await expectConnected(laptop.page);
    await expect.poll(() => badge(laptop.page, 'Ben').textContent()).toContain('2');
    await expect.poll(() => laptop.page.title()).toBe('(3) Hearth');
    expect(await link(laptop.page, 'Ben').evaluate((el) => getComputedStyle(el).fontWeight)).toBe('650');
  });

  it('appears on a second device of the same person, and reading on one clears the other', async () => {
    const phone = await secondDevice({ viewport: PHONE, touch: true });
    await phone.page.getByRole('button', { name: /Open conversations/ }).click();
    await expect.poll(() => badge(phone.page, 'Ben').textContent()).toContain('2');
    await screenshot(phone.page, 'phone-unread');

    await link(laptop.page, 'Ben').click();
    const line = laptop.page.getByRole('separator', { name: 'New since your last visit' });
    await line.waitFor();
    // The line sits right before Ben's first unread message.
    const next = line.locator('xpath=following-sibling::article[1]');
    await expect.poll(() => next.locator('.text').textContent()).toContain('Are you coming tonight?');
    await screenshot(laptop.page, 'desktop-new-since');

    await expect.poll(() => badge(phone.page, 'Ben').count()).toBe(0);
    await expect.poll(() => phone.page.title()).toBe('(1) Hearth');
    await phone.context.close();
  });

  it('shows no line and no count after a reload once everything was read', async () => {
    await laptop.page.reload();
    await expectConnected(laptop.page);
    // Everything in Ben's DM was read: no line.
    await message(laptop.page, 'Bring the cards').waitFor();
    expect(await laptop.page.getByRole('separator', { name: 'New since your last visit' }).count()).toBe(0);
    expect(await badge(laptop.page, 'Ben').count()).toBe(0);
  });

  it('raises a notification for a mention while the page is hidden, and none for lobby chatter', async () => {
    // A device whose page is in the background, where notifications are allowed and recorded.
    const hidden = await person(browser);
    const session = await laptop.page.evaluate(() => localStorage.getItem('hearth.session')!);
    await hidden.context.addInitScript((kept) => {
      if (localStorage.getItem('hearth.session') === null) localStorage.setItem('hearth.session', kept);
      const shown: { title: string; body: string }[] = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      class Recorded {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string, options: { body: string }) {
          shown.push({ title, body: options.body });
        }
        close() {}
      }
      Object.defineProperty(window, 'Notification', { value: Recorded });
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    }, session);
    await hidden.page.goto(server.url);
    await expectConnected(hidden.page);
    const shown = () => hidden.page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);

    await cy.client.sendMessage(cy.lobbyId, 'just chatting in the lobby');
    await cy.client.sendMessage(cy.lobbyId, `${mentionToken(annId)} are you free on Friday?`);
    await expect.poll(shown).toHaveLength(1);
    expect((await shown())[0]).toEqual({ title: 'Lobby', body: 'Cy: @Ann are you free on Friday?' });
    // A DM notifies of everything.
    const withBen = ben.client.memberStates().find((s) => s.conversation_id !== ben.lobbyId)!.conversation_id;
    await ben.client.sendMessage(withBen, 'Did you see the game?');
    await expect.poll(shown).toHaveLength(2);
    expect((await shown())[1]).toEqual({ title: 'Ben', body: 'Ben: Did you see the game?' });
    expect(hidden.errors).toEqual([]);
    await hidden.context.close();
  });

  it('chooses what notifies per conversation, shared with the other devices', async () => {
    await link(laptop.page, 'Ben').click();
    await laptop.page.getByRole('button', { name: 'Notifications', exact: true }).click();
    const dialog = laptop.page.getByRole('dialog', { name: 'Notifications for Ben' });
    await dialog.getByRole('radio', { name: /Nothing/ }).check();
    await laptop.page.getByRole('button', { name: 'Notifications (off)' }).waitFor();
    expect(await seriousViolations(laptop.page)).toEqual([]);
    await screenshot(laptop.page, 'desktop-notify-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();

    const phone = await secondDevice({ viewport: PHONE, touch: true });
    await phone.page.getByRole('button', { name: /Open conversations/ }).click();
    await link(phone.page, 'Ben').click();
    await phone.page.getByRole('button', { name: 'Notifications (off)' }).waitFor();
    await phone.context.close();
    expect(laptop.errors).toEqual([]);
  });

  it('counts lobby chatter quietly under the mentions-only default, and mentions loudly', async () => {
    await link(laptop.page, 'Lobby').click();
    await link(laptop.page, 'Ben').click();
    await cy.client.sendMessage(cy.lobbyId, 'chatter one');
    await cy.client.sendMessage(cy.lobbyId, 'chatter two');
    const lobby = link(laptop.page, 'Lobby');
    await expect.poll(() => lobby.locator('.badge.quiet').textContent()).toBe('2 unread');
    expect(await lobby.locator('.badge.mention').count()).toBe(0);
    expect(await seriousViolations(laptop.page)).toEqual([]);
    await screenshot(laptop.page, 'desktop-lobby-quiet-count');
    await cy.client.sendMessage(cy.lobbyId, `${mentionToken(annId)} one for you`);
    await expect.poll(() => lobby.locator('.badge.mention').textContent()).toContain('@1');
    expect(await lobby.locator('.badge.quiet').count()).toBe(0);
    expect(laptop.errors).toEqual([]);
  });
});
