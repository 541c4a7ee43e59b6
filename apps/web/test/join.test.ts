import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, expectConnected, join, launchBrowser, person, PHONE, screenshot } from './support/browser.js';
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

describe('joining', () => {
  it('without a token, the app says you need an invite', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const { context, page, errors } = await person(browser, { viewport });
      await page.goto(server.url);
      await expect.poll(() => page.getByRole('heading', { name: 'You need an invite to join' }).isVisible()).toBe(true);
      await screenshot(page, `${name}-no-invite`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('an unknown invite is explained on the page', async () => {
    const { context, page } = await person(browser);
    await page.goto(`${server.url}/join/no-such-code`);
    await expect.poll(() => page.getByRole('heading', { name: 'This invite doesn\'t exist' }).isVisible()).toBe(true);
    await screenshot(page, 'desktop-unknown-invite');
    await context.close();
  });

  it('a used invite is explained on the page', async () => {
    const invite = await server.invite();
    const first = await person(browser);
    await join(first.page, invite, 'Uma');
    const second = await person(browser, { viewport: PHONE });
    await second.page.goto(invite);
    await expect.poll(() => second.page.getByRole('heading', { name: 'This invite has been used' }).isVisible()).toBe(true);
    await screenshot(second.page, 'phone-used-invite');
    await Promise.all([first.context.close(), second.context.close()]);
  });

  it('a taken nickname is explained, and another one joins', async () => {
    const taken = await person(browser);
    await join(taken.page, await server.invite(), 'Robin');
    const { context, page, errors } = await person(browser);
    await page.goto(await server.invite());
    // A nickname can be changed later, in the profile: the page says so rather than warning it is for good.
    await expect.poll(() => page.locator('.lead').textContent()).toContain('You can change it later in your profile.');
    await page.getByLabel('Nickname').fill('robin');
    await page.getByRole('button', { name: 'Join the chat' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('already called “robin”');
    await expect.poll(() => page.getByLabel('Nickname').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'desktop-nickname-taken');

    await page.getByLabel('Nickname').fill('Robin Two');
    await page.getByRole('button', { name: 'Join the chat' }).click();
    await expectConnected(page);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
    await Promise.all([taken.context.close(), context.close()]);
  });

  it('a reload keeps you signed in', async () => {
    const { context, page, errors } = await person(browser);
    await join(page, await server.invite(), 'Stays');
    const stored = await page.evaluate(() => localStorage.getItem('hearth.session'));
    expect(JSON.parse(stored ?? '{}').user.nickname).toBe('Stays');

    await page.reload();
    await expectConnected(page);
    await expect.poll(() => page.locator('nav').getByText('Stays', { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Lobby' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an invite opened while signed in says so and leads back to the chat', async () => {
    const { context, page } = await person(browser, { viewport: PHONE, colorScheme: 'dark' });
    await join(page, await server.invite(), 'Already');
    await page.goto(await server.invite());
    await expect.poll(() => page.getByText('This browser is already signed in as').isVisible()).toBe(true);
    await screenshot(page, 'phone-join-signed-in-dark');
    await page.getByRole('button', { name: 'Back to the chat' }).click();
    await expectConnected(page);
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });

  it('signing out forgets the token and says how to come back', async () => {
    const { context, page } = await person(browser);
    await join(page, await server.invite(), 'Leaves');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('You signed out');
    expect(await page.evaluate(() => localStorage.getItem('hearth.session'))).toBeNull();
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'You need an invite to join' }).isVisible()).toBe(true);
    await context.close();
  });
});
