import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, DESKTOP, join, launchBrowser, message, person, PHONE, say, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let dana: Awaited<ReturnType<typeof person>>;
let yael: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  dana = await person(browser);
  yael = await person(browser);
  await join(dana.page, await server.invite(), 'دانة');
  await join(yael.page, await server.invite(), 'יעל');
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

const direction = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).direction);
const isRtl = (page: Page, text: string) =>
  message(page, text).locator('.text').evaluate((el) => el.matches(':dir(rtl)'));

describe('right-to-left writing', () => {
  it('lays out Arabic and Hebrew messages, names and the composer right to left, and English ones left to right', async () => {
    await say(dana.page, 'مرحبا بالجميع');
    await say(yael.page, 'שלום לכולם');
    await say(yael.page, 'Meet at 10 في المكتب');
    for (const page of [dana.page, yael.page]) {
      await expect.poll(() => message(page, 'Meet at 10').count()).toBe(1);
      expect(await isRtl(page, 'مرحبا بالجميع')).toBe(true);
      expect(await isRtl(page, 'שלום לכולם')).toBe(true);
      // The first strong character decides: this one starts in English.
      expect(await isRtl(page, 'Meet at 10')).toBe(false);
      expect(await message(page, 'שלום לכולם').locator('.author').evaluate((el) => el.matches(':dir(rtl)'))).toBe(true);
    }
    await composer(dana.page).fill('اكتب هنا');
    expect(await composer(dana.page).evaluate((el) => el.matches(':dir(rtl)'))).toBe(true);
    await composer(dana.page).fill('Typing in English');
    expect(await composer(dana.page).evaluate((el) => el.matches(':dir(rtl)'))).toBe(false);
    expect(await direction(dana.page, 'footer .name bdi')).toBe('rtl');

    await screenshot(yael.page, 'desktop-right-to-left');
    await yael.page.setViewportSize(PHONE);
    await screenshot(yael.page, 'phone-right-to-left');
    await yael.page.setViewportSize(DESKTOP);
  });
});

describe('people', () => {
  it('an avatar shows a whole emoji, however many code points it joins', async () => {
    const { page, context } = await person(browser);
    await join(page, await server.invite(), '🏳️‍🌈 Rainbow');
    await expect.poll(() => page.locator('footer .avatar').first().textContent()).toContain('🏳️‍🌈');
    await context.close();
  });

  it('the sidebar and the lobby header count the same people online', async () => {
    const count = async (where: Locator) => /(\d+) online/.exec((await where.textContent()) ?? '')?.[1];
    await expect.poll(() => count(dana.page.locator('header').filter({ hasText: 'Everyone' }))).toBe('2');
    expect(await count(dana.page.locator('#people-heading'))).toBe('2');
  });
});

describe('a phone', () => {
  it('Enter writes a new line and the send button sends; choosing a conversation puts focus in the composer', async () => {
    const { context, page } = await person(browser, { viewport: PHONE, touch: true });
    await join(page, await server.invite(), 'Pat');
    expect(await composer(page).getAttribute('enterkeyhint')).toBe('enter');
    await composer(page).fill('First line');
    await composer(page).press('Enter');
    await composer(page).pressSequentially('second line');
    expect(await composer(page).inputValue()).toBe('First line\nsecond line');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => message(dana.page, 'second line').count()).toBe(1);

    await page.locator('[aria-controls="sidebar"]').click();
    await page.locator('#sidebar').getByRole('button', { name: 'יעל (online)' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    await context.close();
  });

  it('on a desktop Enter sends', async () => {
    expect(await composer(dana.page).getAttribute('enterkeyhint')).toBe('send');
  });
});
