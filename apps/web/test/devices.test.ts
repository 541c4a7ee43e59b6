import { ChatClient } from '@hearth/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seriousViolations } from './support/axe.js';
import { expectConnected, join, launchBrowser, person, PHONE, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let laptop: Awaited<ReturnType<typeof person>>;
let phone: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  laptop = await person(browser);
  phone = await person(browser, { viewport: PHONE, colorScheme: 'dark', touch: true });
  await join(laptop.page, await server.invite(), 'Ada');
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

/** Opens "Your devices" and waits for the list. */
async function openDevices(page: Page) {
  await page.getByRole('button', { name: 'Your devices' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your devices' });
  await dialog.getByRole('list', { name: 'Signed-in devices' }).waitFor();
  return dialog;
}

/** Makes a sign-in link in the devices dialog and returns it. */
async function makeLink(page: Page): Promise<string> {
  const dialog = await openDevices(page);
  await dialog.getByRole('button', { name: 'Link another device' }).click();
  const field = dialog.getByLabel('Sign-in link', { exact: true });
  await expect.poll(() => field.inputValue()).toMatch(/\/signin\/[\w-]+$/);
  return field.inputValue();
}

async function closeDialog(page: Page) {
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
}

/** The token this page keeps, to try it from a program. */
function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('hearth.session') ?? 'null') as { token: string }).token);
}

describe('signing in on another device', () => {
  it('a link made on one device signs a second one in as the same person', async () => {
    const link = await makeLink(laptop.page);
    const devices = laptop.page.getByRole('dialog', { name: 'Your devices' });
    await expect.poll(() => devices.getByText(/It works once, for \d+:\d\d more/).isVisible()).toBe(true);
    expect(await seriousViolations(laptop.page)).toEqual([]);
    await screenshot(laptop.page, 'desktop-devices-link');
    await closeDialog(laptop.page);

    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'Sign in as Ada on this device' }).waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);
    await screenshot(phone.page, 'phone-sign-in-link-dark');
    await phone.page.getByRole('button', { name: 'Sign in as Ada' }).click();
    await expectConnected(phone.page);
    expect(new URL(phone.page.url()).pathname).toBe('/');
    await phone.page.getByRole('button', { name: /^Open conversations/ }).click();
    await expect.poll(() => phone.page.locator('footer .name').textContent()).toBe('Ada');
    // The phone lists both devices too, itself first.
    const dialog = await openDevices(phone.page);
    await expect.poll(() => dialog.getByRole('listitem').count()).toBe(2);
    expect(await seriousViolations(phone.page)).toEqual([]);
    await screenshot(phone.page, 'phone-devices-dark');
    await closeDialog(phone.page);

    // The same link does not work twice.
    const again = await person(browser);
    await again.page.goto(link);
    await again.page.getByRole('heading', { name: 'This sign-in link has expired' }).waitFor();
    await screenshot(again.page, 'desktop-sign-in-link-used');
    await again.context.close();
  });

  it('the device list shows both devices, this one marked, and signs the other out, whose page says so', async () => {
    const dialog = await openDevices(laptop.page);
    const rows = dialog.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('This device');
    expect(await rows.first().textContent()).toContain('Active now');
    await expect.poll(() => rows.nth(1).textContent()).toMatch(/Chrome on Linux/);
    await screenshot(laptop.page, 'desktop-devices');

    await rows.nth(1).getByRole('button', { name: /^Sign out/ }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await phone.page.getByRole('heading', { name: 'This device was signed out' }).waitFor();
    expect(await phone.page.evaluate(() => localStorage.getItem('hearth.session'))).toBeNull();
    expect(await seriousViolations(phone.page)).toEqual([]);
    await screenshot(phone.page, 'phone-signed-out-dark');

    // The laptop stays signed in and connected.
    await closeDialog(laptop.page);
    await expectConnected(laptop.page);
    expect([...laptop.errors, ...phone.errors]).toEqual([]);
  });

  it('"Sign out everywhere else" signs out every other device after asking', async () => {
    const others = [await person(browser), await person(browser)];
    for (const other of others) {
      const link = await makeLink(laptop.page);
      await closeDialog(laptop.page);
      await other.page.goto(link);
      await other.page.getByRole('button', { name: 'Sign in as Ada' }).click();
      await expectConnected(other.page);
    }
    const dialog = await openDevices(laptop.page);
    const rows = dialog.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(3);
    await dialog.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await expect.poll(() => dialog.getByText('Sign out all 2 other devices?').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Sign them out' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    for (const other of others) await other.page.getByRole('heading', { name: 'This device was signed out' }).waitFor();
    await closeDialog(laptop.page);
    await Promise.all(others.map((other) => other.context.close()));
  });

  it('a link opened where someone is signed in says so', async () => {
    const link = await makeLink(laptop.page);
    await closeDialog(laptop.page);
    const ben = await person(browser, { viewport: PHONE });
    await join(ben.page, await server.invite(), 'Ben');
    await ben.page.goto(link);
    await ben.page.getByText('This browser is already signed in as Ben').waitFor();
    await screenshot(ben.page, 'phone-sign-in-link-signed-in');
    await ben.page.getByRole('button', { name: 'Back to the chat' }).click();
    await expectConnected(ben.page);
    await ben.context.close();
  });

  it('a link left unused runs out, and a new one is offered', async () => {
    const { context, page } = await person(browser, { colorScheme: 'dark' });
    await page.clock.install();
    await join(page, await server.invite(), 'Cleo');
    const first = await makeLink(page);
    const dialog = page.getByRole('dialog', { name: 'Your devices' });
    await page.clock.setSystemTime(Date.now() + 601_000);
    await dialog.getByRole('alert').filter({ hasText: 'This link has expired' }).waitFor();
    await screenshot(page, 'desktop-devices-link-expired-dark');
    await dialog.getByRole('button', { name: 'Make a new link' }).click();
    await expect.poll(() => dialog.getByLabel('Sign-in link', { exact: true }).inputValue()).not.toBe(first);
    await expect.poll(() => dialog.getByText(/It works once, for (10:00|9:\d\d) more/).isVisible()).toBe(true);
    await context.close();
  });

  it('an unknown link is explained on the page', async () => {
    const { context, page } = await person(browser);
    await page.goto(new URL('/signin/no-such-code', await server.invite()).href);
    await page.getByRole('heading', { name: 'This sign-in link doesn\'t exist' }).waitFor();
    await context.close();
  });
});

describe('signing out', () => {
  it('signs this device out on the server, so its token no longer works', async () => {
    const token = await tokenOf(laptop.page);
    await laptop.page.getByRole('button', { name: 'Sign out' }).click();
    await laptop.page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => laptop.page.getByRole('status').textContent()).toContain('You signed out');
    await screenshot(laptop.page, 'desktop-signed-out-self');

    const client = new ChatClient({ url: server.wsUrl, token, WebSocket });
    await expect(client.connect()).rejects.toMatchObject({ code: 'invalid_token' });
    client.close();
  });
});
