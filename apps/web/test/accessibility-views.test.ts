import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { DESKTOP, expectConnected, join, launchBrowser, longPress, message, person, PHONE, say } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let owner: { page: Page; close(): Promise<void> };
let cy: Awaited<ReturnType<typeof bot>>;

/** The owner (the first to join) and a message from someone else, with a reaction, so every kind of view has content. */
beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  const { page, context } = await person(browser);
  owner = { page, close: () => context.close() };
  await join(page, await server.invite(), 'Olga');
  cy = await bot(server, 'Cy');
  await say(page, 'Lunch at noon? Bring the map');
  await message(page, 'Lunch at noon').waitFor();
  const [lunch] = (await cy.client.loadHistory(cy.lobbyId, { limit: 1 })).messages;
  await cy.client.react(lunch!.id, '🎉');
  await cy.client.sendMessage(cy.lobbyId, 'Yes, see you there');
});

afterAll(async () => {
  cy?.client.close();
  await owner?.close();
  await browser?.close();
  await server?.destroy();
});

/** Opens what sits in the sidebar, which on a phone is a drawer opened from the header first. */
async function fromSidebar(page: Page, name: string): Promise<void> {
  // Closing a dialog with Escape closes the drawer too: it is opened again each time.
  if (await isPhone(page)) await page.getByRole('button', { name: /^Open conversations/ }).click();
  await page.getByRole('button', { name, exact: true }).click();
}

async function closeDialog(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
}

/** Each view the owner can open, and how: checked once open. */
const views: Array<[string, (page: Page) => Promise<void>]> = [
  ['the conversation', async (page) => void (await message(page, 'see you there').waitFor())],
  [
    'Administration, members',
    async (page) => {
      await fromSidebar(page, 'Administration');
      await page.getByRole('dialog', { name: 'Administration' }).getByRole('list', { name: 'Members' }).waitFor();
    },
  ],
  [
    'Administration, invites',
    async (page) => {
      await fromSidebar(page, 'Administration');
      const dialog = page.getByRole('dialog', { name: 'Administration' });
      await dialog.getByRole('tab', { name: 'Invites' }).click();
      await dialog.getByRole('tabpanel').getByRole('list').waitFor();
    },
  ],
  [
    'Your devices, with a sign-in link made',
    async (page) => {
      await fromSidebar(page, 'Your devices');
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Link another device' }).click();
      await expect.poll(() => dialog.getByLabel('Sign-in link', { exact: true }).inputValue()).toMatch(/\/signin\//);
    },
  ],
  ['Change your nickname', async (page) => fromSidebar(page, 'Change your nickname').then(() => page.getByRole('dialog').waitFor())],
  ['Sign out', async (page) => fromSidebar(page, 'Sign out').then(() => page.getByRole('dialog').waitFor())],
  [
    'Notifications',
    async (page) => {
      await page.getByRole('button', { name: /^Notifications/ }).click();
      await page.getByRole('dialog').waitFor();
    },
  ],
  [
    'Search, with results',
    async (page) => {
      await page.getByRole('button', { name: 'Search messages' }).click();
      const panel = page.getByRole('dialog', { name: 'Search messages' });
      await panel.getByRole('combobox', { name: 'Search messages' }).fill('lunch');
      await panel.getByRole('listbox', { name: 'Messages found' }).getByRole('option').first().waitFor();
    },
  ],
  [
    'Delete this message?',
    async (page) => {
      const row = message(page, 'Lunch at noon');
      if (await isPhone(page)) await longPress(row);
      else await row.hover();
      await page.getByRole('button', { name: 'Delete', exact: true }).first().click();
      await page.getByRole('dialog', { name: 'Delete this message?' }).waitFor();
    },
  ],
];

async function isPhone(page: Page): Promise<boolean> {
  return (page.viewportSize()?.width ?? DESKTOP.width) <= PHONE.width;
}

describe('axe-core finds nothing serious on any view', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      it(`${colorScheme}, ${size}`, async () => {
        const { page, context } = await person(browser, { colorScheme, viewport });
        // The owner's session, on this screen.
        const session = await owner.page.evaluate(() => localStorage.getItem('hearth.session'));
        await page.goto(server.url);
        await page.evaluate((kept) => localStorage.setItem('hearth.session', kept!), session);
        await page.reload();
        await expectConnected(page);

        const found: string[] = [];
        for (const [name, open] of views) {
          await open(page);
          found.push(...(await seriousViolations(page)).map((v) => `${name}: ${v}`));
          if ((await page.getByRole('dialog').count()) > 0) await closeDialog(page);
        }
        if (size === 'phone') {
          await longPress(message(page, 'see you there'));
          found.push(...(await seriousViolations(page)).map((v) => `the message sheet: ${v}`));
          await closeDialog(page);
          await page.getByRole('button', { name: /^Open conversations/ }).click();
          await page.getByRole('button', { name: 'Close menu' }).waitFor();
          found.push(...(await seriousViolations(page)).map((v) => `the conversations drawer: ${v}`));
        }
        expect(found).toEqual([]);
        await context.close();
      });
    }
  }

  it('on the sign-in page of a sign-in link, light and dark', async () => {
    await fromSidebar(owner.page, 'Your devices');
    const dialog = owner.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Link another device' }).click();
    const field = dialog.getByLabel('Sign-in link', { exact: true });
    await expect.poll(() => field.inputValue()).toMatch(/\/signin\//);
    const link = await field.inputValue();
    await closeDialog(owner.page);
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, context } = await person(browser, { colorScheme, viewport: PHONE, touch: true });
      await page.goto(link);
      await page.getByRole('button', { name: 'Sign in as Olga' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }
  });
});
