import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { join, launchBrowser, message, person, PHONE, say, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let cy: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;
/** The group's titles as Ben, a bot in it, hears them. */
const benHeard: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  [ann, cy] = [await person(browser), await person(browser, { viewport: PHONE })];
  await join(ann.page, await server.invite(), 'Ann');
  await join(cy.page, await server.invite(), 'Cy');
  ben = await bot(server, 'Ben');
  ben.client.on('conversation_updated', ({ payload }) => benHeard.push(payload.conversation.title ?? ''));
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const sidebarItem = (page: Page, label: string) => page.locator('nav .item', { has: page.locator('.label', { hasText: label }) });
const members = (page: Page) => page.getByRole('dialog').getByRole('list', { name: 'Members' }).locator('li');
const names = (page: Page) => members(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-user')));

describe('a group’s members view', () => {
  it('renames the group for everyone in it', async () => {
    await ann.page.getByRole('button', { name: 'New group' }).click();
    await ann.page.getByRole('dialog').getByLabel('Ben').check();
    await ann.page.getByRole('dialog').getByRole('button', { name: 'Create group of 2' }).click();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Ben');
    await say(ann.page, 'Said before Cy came');

    await ann.page.getByRole('button', { name: '2 members' }).click();
    const dialog = ann.page.getByRole('dialog', { name: '2 members' });
    await dialog.getByLabel('Group name').fill('  Picnic  ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('Saved');
    await expect.poll(() => heading(ann.page).textContent()).toBe('Picnic');
    await expect.poll(() => sidebarItem(ann.page, 'Picnic').count()).toBe(1);
    await expect.poll(() => benHeard).toContain('Picnic');
    expect(await seriousViolations(ann.page)).toEqual([]);
    await screenshot(ann.page, 'desktop-group-info');

    await dialog.getByLabel('Group name').fill('x'.repeat(65));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('64');
    expect(await dialog.getByLabel('Group name').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Group name').fill('Picnic');
  });

  it('adds someone, who then sees the group and what was said before', async () => {
    const dialog = ann.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add people' }).click();
    await dialog.getByLabel('Cy').check();
    await screenshot(ann.page, 'desktop-group-add-people');
    await dialog.getByRole('button', { name: 'Add 1 person' }).click();
    await ann.page.getByRole('dialog', { name: '3 members' }).waitFor();
    await expect.poll(() => names(ann.page)).toEqual(['Ann', 'Ben', 'Cy']);
    await expect.poll(() => dialog.getByRole('button', { name: 'Add people' }).evaluate((b) => b === document.activeElement)).toBe(true);
    await ann.page.keyboard.press('Escape');

    await sidebarItem(cy.page, 'Picnic').waitFor({ state: 'attached' });
    await cy.page.getByRole('button', { name: /Open conversations/ }).click();
    await sidebarItem(cy.page, 'Picnic').click();
    await expect.poll(() => heading(cy.page).textContent()).toBe('Picnic');
    await expect.poll(() => message(cy.page, 'Said before Cy came').count()).toBe(1);
  });

  it('leaves the group after asking, and the others see them gone', async () => {
    expect(await keptShell(cy.page)).toContain('Picnic');
    await cy.page.getByRole('button', { name: '3 members' }).click();
    const dialog = cy.page.getByRole('dialog', { name: '3 members' });
    await expect.poll(() => names(cy.page)).toEqual(['Cy', 'Ann', 'Ben']);
    // Cy neither made the group nor administers the server: nobody can be removed from here.
    expect(await dialog.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await screenshot(cy.page, 'phone-group-info');
    await dialog.getByRole('button', { name: 'Leave group' }).click();
    await expect.poll(() => dialog.getByRole('button', { name: 'Stay' }).evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await seriousViolations(cy.page)).toEqual([]);
    await screenshot(cy.page, 'phone-group-leave');
    await dialog.getByRole('button', { name: 'Leave group' }).click();

    await cy.page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => heading(cy.page).textContent()).toBe('Lobby');
    expect(await sidebarItem(cy.page, 'Picnic').count()).toBe(0);
    // What opens with no network no longer lists it either.
    expect(await keptShell(cy.page)).not.toContain('Picnic');
    await expect.poll(() => ann.page.getByRole('button', { name: '2 members' }).count()).toBe(1);
  });

  it('lets the one who made the group remove someone, and lists everyone for the lobby', async () => {
    await ann.page.getByRole('button', { name: '2 members' }).click();
    const dialog = ann.page.getByRole('dialog', { name: '2 members' });
    await dialog.getByRole('button', { name: 'Remove Ben' }).click();
    await ann.page.getByRole('dialog', { name: '1 member' }).waitFor();
    await expect.poll(() => names(ann.page)).toEqual(['Ann']);
    await ann.page.keyboard.press('Escape');

    await sidebarItem(ann.page, 'Lobby').click();
    await ann.page.getByRole('button', { name: /^Everyone/ }).click();
    await expect.poll(() => names(ann.page)).toEqual(['Ann', 'Ben', 'Cy']);
    await screenshot(ann.page, 'desktop-lobby-members');
    expect([...ann.errors, ...cy.errors]).toEqual([]);
  });
});

/** The conversations this page keeps for opening with no network, as stored. */
function keptShell(page: Page): Promise<string> {
  return page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('hearth.shell.')).map((key) => localStorage.getItem(key)).join(''));
}
