import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { join, launchBrowser, person, PHONE } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe('axe-core finds nothing serious', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`on the join page and the no-invite page, ${colorScheme}`, async () => {
      const { page, context } = await person(browser, { colorScheme });
      await page.goto(await server.invite());
      await page.getByLabel('Nickname').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'You need an invite to join' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    });

    it(`on the chat page and its dialogs, ${colorScheme}, at desktop and phone width`, async () => {
      const { page, context } = await person(browser, { colorScheme });
      await join(page, await server.invite(), `Ada ${colorScheme}`);
      expect(await seriousViolations(page)).toEqual([]);

      const others = await Promise.all([bot(server, `Bo ${colorScheme}`), bot(server, `Cy ${colorScheme}`)]);
      await page.getByRole('button', { name: 'New group', exact: true }).click();
      for (const { nickname } of others) await page.getByRole('dialog').getByLabel(nickname).check();
      await page.getByRole('dialog').getByRole('button', { name: 'Create group of 3' }).click();
      await page.getByRole('button', { name: '3 members' }).waitFor();

      for (const [button, dialog] of [
        ['Invite', 'Invite someone'],
        ['New group', 'New group'],
        ['3 members', 'Group members'],
      ] as const) {
        await page.getByRole('button', { name: button, exact: true }).click();
        await page.getByRole('dialog').waitFor();
        expect(await seriousViolations(page), `${dialog} dialog`).toEqual([]);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }

      await page.setViewportSize(PHONE);
      expect(await seriousViolations(page)).toEqual([]);
      for (const { client } of others) client.close();
      await context.close();
    });
  }
});
