import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { expectConnected, join, launchBrowser, message, person, say, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof person>>;
let cy: Awaited<ReturnType<typeof bot>>;
const heard: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  [ann, ben] = [await person(browser), await person(browser)];
  await join(ann.page, await server.invite(), 'Ann');
  await join(ben.page, await server.invite(), 'Ben');
  cy = await bot(server, 'Cy');
  cy.client.on('user_updated', ({ payload }) => heard.push(payload.user.nickname));
});

afterAll(async () => {
  cy?.client.close();
  await browser?.close();
  await server?.destroy();
});

const author = (row: ReturnType<typeof message>) => row.locator('.author, .name').first();

describe('changing one’s nickname', () => {
  it('shows the new name to everyone at once, on old messages and among the people, and after a reload', async () => {
    await say(ann.page, 'Hello from Ann');
    await message(ben.page, 'Hello from Ann').waitFor();

    await ann.page.getByRole('button', { name: 'Change your nickname' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Your profile' });
    const field = dialog.getByLabel('Nickname');
    expect(await field.inputValue()).toBe('Ann');
    expect(await seriousViolations(ann.page)).toEqual([]);
    await field.fill('Annabel');
    await screenshot(ann.page, 'desktop-profile');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => ann.page.locator('footer .name').textContent()).toBe('Annabel');

    // Ben's page names Ann's old message by her new name, as does the people list; a bot hears it too.
    await expect.poll(() => heard).toContain('Annabel');
    await expect.poll(() => author(message(ben.page, 'Hello from Ann')).textContent()).toContain('Annabel');
    await expect.poll(() => ben.page.locator('nav').getByText('Annabel', { exact: true }).count()).toBeGreaterThan(0);

    await ben.page.reload();
    await expectConnected(ben.page);
    await expect.poll(() => author(message(ben.page, 'Hello from Ann')).textContent()).toContain('Annabel');
  });

  it('says why a name cannot be had, and keeps the old one', async () => {
    await ann.page.getByRole('button', { name: 'Change your nickname' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Your profile' });
    await dialog.getByLabel('Nickname').fill('ben');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('taken');
    expect(await dialog.getByLabel('Nickname').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await ann.page.locator('footer .name').textContent()).toBe('Annabel');
    expect([...ann.errors, ...ben.errors]).toEqual([]);
  });
});

describe('a status beside one’s name', () => {
  it('shows among the people for everyone at once and after a reload, and clears when emptied', async () => {
    await ann.page.getByRole('button', { name: 'Change your nickname' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Your profile' });
    await dialog.getByLabel('Status').fill('On holiday until Monday');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const annAmongPeople = ben.page.locator('nav [data-user="Annabel"]');
    await expect.poll(() => annAmongPeople.locator('.status').textContent()).toBe('On holiday until Monday');
    await screenshot(ben.page, 'desktop-people-status');
    await ben.page.reload();
    await expectConnected(ben.page);
    await expect.poll(() => annAmongPeople.locator('.status').textContent()).toBe('On holiday until Monday');

    await ann.page.getByRole('button', { name: 'Change your nickname' }).click();
    expect(await dialog.getByLabel('Status').inputValue()).toBe('On holiday until Monday');
    await dialog.getByLabel('Status').fill('');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => annAmongPeople.locator('.status').count()).toBe(0);
    expect([...ann.errors, ...ben.errors]).toEqual([]);
  });
});
