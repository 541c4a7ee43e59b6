import { mentionToken } from '@hearth/protocol';
import type { Browser, CDPSession, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { composer, DESKTOP, join, launchBrowser, message, person, PHONE, screenshot, settled, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
/** Pia is on a phone: a touch screen, no hover, and a clipboard the page may use. */
let pia: Awaited<ReturnType<typeof person>>;
let cdp: CDPSession;
let rex: Awaited<ReturnType<typeof bot>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  pia = await person(browser, { viewport: PHONE, touch: true });
  await pia.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // Every click the page is sent, counted before the page's own listeners see it.
  await pia.context.addInitScript(() => {
    const counted = window as unknown as { clicks: number };
    counted.clicks = 0;
    window.addEventListener('click', () => counted.clicks++, { capture: true });
  });
  await join(pia.page, await server.invite(), 'Pia');
  cdp = await pia.context.newCDPSession(pia.page);
  rex = await bot(server, 'Rex');
});

afterAll(async () => {
  rex?.client.close();
  await browser?.close();
  await server?.destroy();
});

const sheet = (page: Page) => page.getByRole('dialog', { name: 'Message' });
const clicks = (page: Page) => page.evaluate(() => (window as unknown as { clicks: number }).clicks);

/** Waits until the page has drawn twice more: whatever the input before it set off has run. */
const frames = (page: Page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

/**
 * A finger resting on a message's text through the browser's own touch input, as a phone sends it: it stays down until the
 * message's menu is open, then lifts.
 */
async function longPress(row: Locator, session = cdp): Promise<void> {
  const box = (await row.locator('.text').boundingBox())!;
  const at = { x: Math.round(box.x + 20), y: Math.round(box.y + box.height / 2) };
  await session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at] });
  await sheet(row.page()).waitFor();
  await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** Visible things a finger can press that are smaller than WCAG 2.5.8 allows, named for the failure message. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = [
      'a[href]',
      'button',
      'input:not([type="hidden"])',
      'select',
      'textarea',
      'summary',
      '[role="button"]',
      '[role="option"]',
      '[role="link"]',
      '[role="tab"]',
      '[role="menuitem"]',
      '[tabindex]:not([tabindex="-1"])',
    ].join(',');
    // Behind an open modal dialog nothing can be pressed.
    const modal = document.querySelector('dialog[open]');
    return [...(modal ?? document).querySelectorAll<HTMLElement>(selector)].flatMap((element) => {
      if (!element.checkVisibility({ visibilityProperty: true }) || element.closest('.visually-hidden, [inert]')) return [];
      // A link within a sentence of a message is excepted, as in the success criterion.
      if (element.matches('a') && element.closest('.text') !== null) return [];
      // A checkbox's target is its label.
      const target = element.matches('input[type="checkbox"], input[type="radio"]') ? (element.closest('label') ?? element) : element;
      const { width, height } = target.getBoundingClientRect();
      if (width >= 24 && height >= 24) return [];
      const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '';
      return [`${element.tagName.toLowerCase()}.${element.className.split(' ')[0]} "${name}" ${Math.round(width)}×${Math.round(height)}`];
    });
  });
}

/** The heights of elements that must be at least 44 px tall on a phone, named for the failure message. */
async function shortOnes(targets: Locator): Promise<string[]> {
  const sizes = await targets.evaluateAll((elements) =>
    elements.filter((element) => element.checkVisibility()).map(
      (element) => `${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30)}: ${Math.round(element.getBoundingClientRect().height)}`,
    ),
  );
  expect(sizes.length).toBeGreaterThan(0);
  return sizes.filter((size) => Number(size.split(': ').at(-1)) < 44);
}

/** The dialog open now has no small target, and its buttons with words and its Close are 44 px tall; then it is closed. */
async function expectGoodTargets(page: Page, what: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await settled(page);
  expect(await smallTargets(page), `${what} dialog`).toEqual([]);
  expect(await shortOnes(dialog.locator('button.button, header .icon-button')), `${what} dialog`).toEqual([]);
  await screenshot(page, `phone-dialog-${what.replace(/\W+/g, '-').toLowerCase()}`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

describe('a phone', () => {
  it('a long press with a finger opens the message menu, and it stays open once the finger lifts', async () => {
    await rex.client.sendMessage(rex.lobbyId, 'Picnic at the lake,\nbring a blanket');
    const row = message(pia.page, 'Picnic at the lake');
    await row.waitFor();
    const before = await clicks(pia.page);
    await longPress(row);
    // The release sends a tap, which used to land on the menu's backdrop and close it.
    await expect.poll(() => clicks(pia.page)).toBeGreaterThan(before);
    await frames(pia.page);
    expect(await sheet(pia.page).isVisible()).toBe(true);
    await settled(pia.page);
    await screenshot(pia.page, 'phone-long-press-menu');
  });

  it('"Copy text" in that menu puts the message on the clipboard with its lines and mentions as names, and says so', async () => {
    await sheet(pia.page).getByRole('button', { name: 'Copy text' }).tap();
    await expect.poll(() => pia.page.evaluate(() => navigator.clipboard.readText())).toBe('Picnic at the lake,\nbring a blanket');
    await pia.page.getByRole('status').filter({ hasText: 'Copied to the clipboard' }).waitFor();
    expect(await sheet(pia.page).count()).toBe(0);
    await screenshot(pia.page, 'phone-copied');

    const piaId = await userIdOf(pia.page);
    await rex.client.sendMessage(rex.lobbyId, `${mentionToken(piaId)} see you there`);
    await longPress(message(pia.page, 'see you there'));
    await sheet(pia.page).getByRole('button', { name: 'Copy text' }).tap();
    await expect.poll(() => pia.page.evaluate(() => navigator.clipboard.readText())).toBe('@Pia see you there');
  });

  it('every target a finger can press is at least 24 px square, and the main ones 44 px tall', async () => {
    const page = pia.page;
    const first = await rex.client.sendMessage(rex.lobbyId, 'Who brings the plates?');
    await rex.client.react(first.id, '👍');
    await rex.client.reply(first, 'I do');
    await message(page, 'I do').waitFor();
    await message(page, 'Who brings the plates?').locator('.reactions button').waitFor();
    // A phone's Enter is a new line: the send button sends.
    await composer(page).fill('Great');
    await page.getByRole('button', { name: 'Send message' }).tap();
    await message(page, 'Great').waitFor();

    // The conversation, with messages, a reply and reactions.
    expect(await smallTargets(page), 'conversation').toEqual([]);
    expect(await shortOnes(page.getByRole('button', { name: 'Send message' })), 'send').toEqual([]);
    expect(await shortOnes(page.locator('.reactions button')), 'reaction chips').toEqual([]);
    expect(await shortOnes(page.getByRole('button', { name: /^Everyone/ })), 'who is here').toEqual([]);

    // Who reacted, shown by a long press on a reaction, with its OK; the message's menu stays shut.
    const chip = message(page, 'Who brings the plates?').locator('.reactions button');
    const box = (await chip.boundingBox())!;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) }] });
    await page.getByRole('status').filter({ hasText: 'Rex reacted' }).waitFor();
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    expect(await sheet(page).count()).toBe(0);
    expect(await smallTargets(page), 'who reacted').toEqual([]);
    expect(await shortOnes(page.getByRole('button', { name: 'OK' })), 'OK').toEqual([]);

    // The message menu.
    await longPress(message(page, 'Who brings the plates?'));
    expect(await smallTargets(page), 'message menu').toEqual([]);
    expect(await shortOnes(sheet(page).getByRole('button')), 'message menu').toEqual([]);
    await page.keyboard.press('Escape');
    await sheet(page).waitFor({ state: 'detached' });

    // The conversations, in the drawer.
    await page.getByRole('button', { name: /^Open conversations/ }).tap();
    const sidebar = page.locator('#sidebar');
    await sidebar.getByRole('button', { name: 'New group', exact: true }).waitFor();
    await settled(page);
    expect(await smallTargets(page), 'sidebar').toEqual([]);
    expect(await shortOnes(sidebar.locator('nav button, [aria-label="Conversations"] button, .item')), 'conversations').toEqual([]);

    // The main dialogs, each with its buttons: those of the sidebar, then those of the conversation.
    const drawer = page.getByRole('button', { name: /^Open conversations/ });
    for (const name of ['New group', 'Invite', 'Administration', 'Change your nickname', 'Your devices', 'Sign out']) {
      // Escape closes the drawer along with the dialog.
      if ((await drawer.getAttribute('aria-expanded')) !== 'true') await drawer.tap();
      await sidebar.getByRole('button', { name, exact: true }).tap();
      await expectGoodTargets(page, name);
    }
    for (const name of [/^Everyone/, /^Notifications/]) {
      await page.locator('.header').getByRole('button', { name }).tap();
      await expectGoodTargets(page, String(name));
    }
    await longPress(message(page, 'Great'));
    await sheet(page).getByRole('button', { name: 'Delete' }).tap();
    await expectGoodTargets(page, 'Delete');
  });

  it('a mention chip and the message menu read well in either theme, at phone and desktop width', async () => {
    for (const [viewport, colorScheme, nickname] of [
      [PHONE, 'dark', 'Dot'],
      [DESKTOP, 'light', 'Del'],
      [DESKTOP, 'dark', 'Dex'],
    ] as const) {
      const touch = viewport === PHONE;
      const { context, page, errors } = await person(browser, { viewport, colorScheme, touch });
      const name = `${touch ? 'phone' : 'desktop'}-${colorScheme}`;
      await join(page, await server.invite(), nickname);
      await composer(page).pressSequentially('Thanks @Re');
      const rex = page.getByRole('option', { name: 'Rex' });
      await (touch ? rex.tap() : rex.click());
      await composer(page).pressSequentially('for the plates');
      expect(await composer(page).inputValue()).toBe('Thanks @Rex for the plates');
      await screenshot(page, `${name}-composer-chip`);
      expect(await seriousViolations(page), `${name} composer`).toEqual([]);
      await composer(page).fill('');

      const row = message(page, 'Who brings the plates?');
      if (touch) await longPress(row, await context.newCDPSession(page));
      else {
        await row.hover();
        await screenshot(page, `${name}-message-toolbar`, { hovering: true });
        await row.getByRole('button', { name: 'More reactions' }).click();
      }
      await settled(page);
      await screenshot(page, `${name}-message-menu`);
      expect(await seriousViolations(page), `${name} menu`).toEqual([]);
      await page.keyboard.press('Escape');
      await sheet(page).waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('nothing went wrong in the page', () => {
    expect(pia.errors).toEqual([]);
  });
});
