import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { DESKTOP, expectConnected, join, launchBrowser, person, PHONE, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let olga: Awaited<ReturnType<typeof person>>;
let max: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  [olga, max] = [await person(browser), await person(browser, { colorScheme: 'dark' })];
  // The first to join is the owner.
  await join(olga.page, await server.invite(), 'Olga');
  await join(max.page, await server.invite(), 'Max');
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

/** Opens the administration panel on a tab and waits for its list. */
async function administer(page: Page, tab: 'Members' | 'Invites') {
  await page.getByRole('button', { name: 'Administration' }).click();
  const dialog = page.getByRole('dialog', { name: 'Administration' });
  await dialog.getByRole('tab', { name: tab }).click();
  await dialog.getByRole('tabpanel').getByRole('list').waitFor();
  return dialog;
}

async function closeDialogs(page: Page) {
  while ((await page.getByRole('dialog').count()) > 0) await page.keyboard.press('Escape');
}

/** How many IndexedDB databases of kept history the page has. */
function keptHistories(page: Page): Promise<number> {
  return page.evaluate(async () => (await indexedDB.databases()).filter((db) => db.name?.startsWith('hearth.history.')).length);
}

function memberRow(page: Page, nickname: string) {
  return page.getByRole('dialog', { name: 'Administration' }).getByRole('list', { name: 'Members' }).locator(`li[data-user="${nickname}"]`);
}

describe('administration', () => {
  it('is offered to the owner and not to a member, and lists everyone with their role', async () => {
    await expect.poll(() => olga.page.getByRole('button', { name: 'Administration' }).isVisible()).toBe(true);
    expect(await max.page.getByRole('button', { name: 'Administration' }).count()).toBe(0);

    const dialog = await administer(olga.page, 'Members');
    await expect.poll(() => memberRow(olga.page, 'Olga').textContent()).toContain('Owner');
    await expect.poll(() => memberRow(olga.page, 'Max').textContent()).toMatch(/Online · 1 device · Joined/);
    expect(await seriousViolations(olga.page)).toEqual([]);
    await screenshot(olga.page, 'desktop-admin-members');

    // The tabs follow the arrow keys.
    await dialog.getByRole('tab', { name: 'Members' }).focus();
    await olga.page.keyboard.press('ArrowRight');
    await expect.poll(() => dialog.getByRole('tab', { name: 'Invites' }).getAttribute('aria-selected')).toBe('true');
    await dialog.getByRole('heading', { name: 'Who can invite' }).waitFor();
    expect(await seriousViolations(olga.page)).toEqual([]);
    await screenshot(olga.page, 'desktop-admin-invites');

    await olga.page.setViewportSize(PHONE);
    await olga.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(olga.page, 'phone-admin-invites-dark');
    await dialog.getByRole('tab', { name: 'Members' }).click();
    expect(await seriousViolations(olga.page)).toEqual([]);
    await screenshot(olga.page, 'phone-admin-members-dark');
    await olga.page.setViewportSize(DESKTOP);
    await olga.page.emulateMedia({ colorScheme: 'light' });
    await closeDialogs(olga.page);
  });

  it('an admin deactivates a member after asking, and the member’s open page says so', async () => {
    await administer(olga.page, 'Members');
    // A recovery link made before stops working with the account.
    await memberRow(olga.page, 'Max').getByRole('button', { name: 'Sign-in link for Max' }).click();
    const recovery = olga.page.getByRole('dialog', { name: 'Sign-in link for Max' });
    await expect.poll(() => recovery.getByLabel('Sign-in link', { exact: true }).inputValue()).toMatch(/\/signin\/[\w-]+$/);
    const link = await recovery.getByLabel('Sign-in link', { exact: true }).inputValue();
    await recovery.getByRole('button', { name: 'Close' }).click();

    expect(await keptHistories(max.page)).toBe(1);
    await memberRow(olga.page, 'Max').getByRole('button', { name: 'Deactivate Max' }).click();
    const confirm = olga.page.getByRole('dialog', { name: 'Deactivate Max?' });
    await confirm.waitFor();
    await screenshot(olga.page, 'desktop-admin-deactivate');
    await confirm.getByRole('button', { name: 'Deactivate', exact: true }).click();

    await max.page.getByRole('heading', { name: 'Your account has been deactivated' }).waitFor();
    expect(await max.page.evaluate(() => localStorage.getItem('hearth.session'))).toBeNull();
    // Nor is the history the page kept for opening offline.
    await expect.poll(() => keptHistories(max.page)).toBe(0);
    await screenshot(max.page, 'desktop-deactivated-dark');
    // A reload still says why, though the server no longer knows this device.
    await max.page.reload();
    await max.page.getByRole('heading', { name: 'Your account has been deactivated' }).waitFor();

    await expect.poll(() => memberRow(olga.page, 'Max').textContent()).toContain('Deactivated');
    // Online seconds before: the list still says when, though deactivation signed every device out.
    await expect.poll(() => memberRow(olga.page, 'Max').textContent()).toMatch(/Last active .* · Joined/);
    expect(await memberRow(olga.page, 'Max').textContent()).not.toMatch(/Never connected|device/);
    await screenshot(olga.page, 'desktop-admin-members-deactivated');
    await closeDialogs(olga.page);
    // Among the people, greyed and not offered a direct message.
    const listed = olga.page.locator('nav [data-user="Max"]');
    await expect.poll(() => listed.textContent()).toContain('deactivated');
    expect(await olga.page.getByRole('button', { name: /^Max/ }).count()).toBe(0);
    await screenshot(olga.page, 'desktop-people-deactivated');

    const stranger = await person(browser, { viewport: PHONE, colorScheme: 'dark' });
    await stranger.page.goto(link);
    await stranger.page.getByRole('heading', { name: 'This account has been deactivated' }).waitFor();
    await screenshot(stranger.page, 'phone-sign-in-deactivated-dark');
    await stranger.context.close();
  });

  it('reactivating and a recovery link sign the member in again', async () => {
    await administer(olga.page, 'Members');
    await memberRow(olga.page, 'Max').getByRole('button', { name: 'Reactivate Max' }).click();
    await memberRow(olga.page, 'Max').getByRole('button', { name: 'Sign-in link for Max' }).click();
    const recovery = olga.page.getByRole('dialog', { name: 'Sign-in link for Max' });
    const field = recovery.getByLabel('Sign-in link', { exact: true });
    await expect.poll(() => field.inputValue()).toMatch(/\/signin\/[\w-]+$/);
    await screenshot(olga.page, 'desktop-admin-recovery-link');
    const link = await field.inputValue();
    await closeDialogs(olga.page);

    await max.page.goto(link);
    await max.page.getByRole('button', { name: 'Sign in as Max' }).click();
    await expectConnected(max.page);
    await expect.poll(() => olga.page.locator('nav [data-user="Max"]').textContent()).not.toContain('deactivated');
  });

  it('the owner makes a member an admin, whose page offers administration at once, and takes it back', async () => {
    await administer(olga.page, 'Members');
    await memberRow(olga.page, 'Max').getByRole('button', { name: 'Make admin Max' }).click();
    await max.page.getByRole('button', { name: 'Administration' }).waitFor();
    await expect.poll(() => memberRow(olga.page, 'Max').textContent()).toContain('Admin');
    // An admin manages members, not the owner.
    await administer(max.page, 'Members');
    expect(await memberRow(max.page, 'Olga').getByRole('button').count()).toBe(0);
    await closeDialogs(max.page);

    await memberRow(olga.page, 'Max').getByRole('button', { name: 'Remove admin Max' }).click();
    await max.page.getByRole('button', { name: 'Administration' }).waitFor({ state: 'detached' });
    await closeDialogs(olga.page);
  });

  it('with "admins only", a member is no longer offered the invite, at once and after reloading', async () => {
    const invite = (page: Page) => page.getByRole('button', { name: 'Invite', exact: true });
    expect(await invite(max.page).count()).toBe(1);
    const dialog = await administer(olga.page, 'Invites');
    await dialog.getByLabel('Admins only').check();
    await expect.poll(() => dialog.getByLabel('Admins only').isChecked()).toBe(true);

    // Max's open page hears it: the button goes without a reload.
    await invite(max.page).waitFor({ state: 'detached' });
    await screenshot(max.page, 'desktop-invite-admins-only-dark');
    await max.page.reload();
    await expectConnected(max.page);
    expect(await invite(max.page).count()).toBe(0);
    // The owner may still invite.
    expect(await invite(olga.page).count()).toBe(1);

    await dialog.getByLabel('Everyone').check();
    await invite(max.page).waitFor();
    await dialog.getByLabel('Admins only').check();
    await invite(max.page).waitFor({ state: 'detached' });
    await closeDialogs(olga.page);
  });

  it('an invite made and then revoked in the panel is refused on the join page', async () => {
    const dialog = await administer(olga.page, 'Invites');
    await dialog.getByLabel('Expires after').selectOption({ label: '1 day' });
    await dialog.getByLabel('People it lets in').selectOption('5');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const field = dialog.getByLabel('New invite link');
    await expect.poll(() => field.inputValue()).toMatch(/\/join\/[\w-]+$/);
    const invite = await field.inputValue();
    const code = invite.split('/').pop()!;
    const row = dialog.locator(`li[data-code="${code}"]`);
    await expect.poll(() => row.textContent()).toMatch(/Active.*expires in 24 hours · 0 of 5 used/s);
    await screenshot(olga.page, 'desktop-admin-invite-created');

    await row.getByRole('button', { name: /^Revoke/ }).click();
    await expect.poll(() => row.textContent()).toContain('Revoked');
    // The badge is read as easily in the dark theme as in the light.
    await olga.page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(olga.page)).toEqual([]);
    await screenshot(olga.page, 'desktop-admin-invite-revoked-dark');
    await olga.page.emulateMedia({ colorScheme: 'light' });
    await closeDialogs(olga.page);

    const guest = await person(browser, { viewport: PHONE });
    await guest.page.goto(invite);
    await guest.page.getByRole('heading', { name: 'This invite was withdrawn' }).waitFor();
    await screenshot(guest.page, 'phone-invite-revoked');
    await guest.context.close();
    expect([...olga.errors, ...max.errors]).toEqual([]);
  });

  it('pages through a thousand invites with "Load more", and revoking one far down keeps the pages loaded', async () => {
    const made: string[] = [];
    for (let i = 0; i < 1000; i++) made.push((await server.invite()).split('/').pop()!);
    const dialog = await administer(olga.page, 'Invites');
    const list = dialog.getByRole('tabpanel').getByRole('list');
    const more = dialog.getByRole('button', { name: 'Load more invites' });
    await expect.poll(() => list.locator('li').count()).toBe(200);
    while ((await more.count()) > 0) {
      const before = await list.locator('li').count();
      await more.click();
      await expect.poll(() => list.locator('li').count()).toBeGreaterThan(before);
    }
    // Every invite is there once, the first ever made last.
    const codes = await list.locator('li').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-code')));
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(made));
    expect(codes.indexOf(made[0]!)).toBeGreaterThan(codes.indexOf(made[999]!));

    const oldest = dialog.locator(`li[data-code="${made[0]}"]`);
    await oldest.getByRole('button', { name: /^Revoke/ }).click();
    await expect.poll(() => oldest.textContent()).toContain('Revoked');
    expect(await list.locator('li').count()).toBe(codes.length);
    await closeDialogs(olga.page);
    expect(olga.errors).toEqual([]);
  });
});
