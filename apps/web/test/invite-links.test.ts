import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { DESKTOP, join, launchBrowser, person, PHONE, screenshot, settled } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  [ann, ben] = [await person(browser), await person(browser)];
  // Ann, the first to join, owns the server; Ben is a member.
  await join(ann.page, await server.invite(), 'Ann');
  await join(ben.page, await server.invite(), 'Ben');
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

/** Opens the invite dialog and waits for the list of this person's links to be asked for and shown. */
async function openInvite(page: Page) {
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite someone' });
  await dialog.getByRole('button', { name: 'New invite link' }).waitFor();
  return dialog;
}

const links = (dialog: ReturnType<Page['getByRole']>) =>
  dialog.getByRole('list', { name: 'Your invite links' }).getByRole('textbox').evaluateAll((fields) => fields.map((f) => (f as HTMLInputElement).value));

async function close(page: Page) {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

describe('the invite dialog', () => {
  it('makes a link only when asked, and offers the same one when opened again', async () => {
    let dialog = await openInvite(ben.page);
    await dialog.getByText('You have no invite links that still work').waitFor();
    await dialog.getByRole('button', { name: 'New invite link' }).click();
    await expect.poll(() => links(dialog)).toHaveLength(1);
    const [first] = await links(dialog);
    expect(first).toMatch(/\/join\/[\w-]+$/);
    expect(await dialog.getByLabel('Invite link for one person, expires in 7 days').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => dialog.getByRole('button', { name: 'Copied' }).isVisible()).toBe(true);
    await close(ben.page);

    dialog = await openInvite(ben.page);
    await expect.poll(() => links(dialog)).toEqual([first]);
    await close(ben.page);
    // Opened a third time after a reload, the server still lists that one link.
    await ben.page.reload();
    dialog = await openInvite(ben.page);
    await expect.poll(() => links(dialog)).toEqual([first]);

    await dialog.getByRole('button', { name: 'New invite link' }).click();
    await expect.poll(() => links(dialog)).toHaveLength(2);
    const [newest, older] = await links(dialog);
    expect(older).toBe(first);
    expect(newest).not.toBe(first);
    expect(await seriousViolations(ben.page)).toEqual([]);
    await settled(ben.page);
    await screenshot(ben.page, 'desktop-invite-links');
    await ben.page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(ben.page)).toEqual([]);
    await settled(ben.page);
    await screenshot(ben.page, 'desktop-invite-links-dark');
    await ben.page.setViewportSize(PHONE);
    await settled(ben.page);
    await screenshot(ben.page, 'phone-invite-links-dark');
    await close(ben.page);
    await ben.page.setViewportSize(DESKTOP);
    await ben.page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows only links that still work, and only the person’s own, even to an admin', async () => {
    let dialog = await openInvite(ben.page);
    await expect.poll(() => links(dialog)).toHaveLength(2);
    const [newest, older] = await links(dialog);
    await close(ben.page);
    const cat = await person(browser);
    await join(cat.page, newest!.replace(/^https?:\/\/[^/]+/, server.url), 'Cat');

    dialog = await openInvite(ben.page);
    await expect.poll(() => links(dialog)).toEqual([older]);
    await close(ben.page);

    dialog = await openInvite(ann.page);
    await dialog.getByText('You have no invite links that still work').waitFor();
    await close(ann.page);
    expect([...ann.errors, ...ben.errors, ...cat.errors]).toEqual([]);
    await cat.context.close();
  });
});
