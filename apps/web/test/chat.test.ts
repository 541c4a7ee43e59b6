import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, join, launchBrowser, message, messages, person, PHONE, say, screenshot, settled } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof person>>;
let cat: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  ben = await person(browser, { colorScheme: 'dark' });
  cat = await person(browser, { viewport: PHONE });
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const personButton = (page: Page, nickname: string) => page.locator(`button[data-user="${nickname}"]`);
const sidebarItem = (page: Page, label: string) => page.locator('nav .item', { has: page.locator('.label', { hasText: label }) });

describe('two people chatting', () => {
  it('two people join through invites and see each other come online', async () => {
    await join(ann.page, await server.invite(), 'Ann');
    await expect.poll(() => ann.page.getByText('Nobody else is here yet').isVisible()).toBe(true);
    await join(ben.page, await server.invite(), 'Ben');
    await expect.poll(() => personButton(ann.page, 'Ben').locator('.state').textContent()).toBe(' (online)');
    await expect.poll(() => personButton(ben.page, 'Ann').locator('.state').textContent()).toBe(' (online)');
  });

  it('they talk in the lobby, and runs of messages from one sender are grouped', async () => {
    await say(ann.page, 'Hello Ben!');
    await say(ann.page, 'Welcome to Hearth.');
    await expect.poll(() => message(ben.page, 'Welcome to Hearth.').count()).toBe(1);
    await say(ben.page, 'Thanks Ann, nice to be here.\nSecond line of the same message.');
    await expect.poll(() => message(ann.page, 'nice to be here').count()).toBe(1);

    const annSees = messages(ann.page, 'sent');
    expect(await annSees.count()).toBe(3);
    expect(await annSees.nth(0).locator('.author').textContent()).toBe('Ann');
    expect(await annSees.nth(1).locator('.author').count()).toBe(0);
    expect(await annSees.nth(2).locator('.author').textContent()).toBe('Ben');
    expect(await annSees.nth(2).locator('.text').innerText()).toBe('Thanks Ann, nice to be here.\nSecond line of the same message.');
    expect(await ann.page.getByRole('separator', { name: 'Today' }).count()).toBe(1);
    await screenshot(ann.page, 'desktop-lobby');
    await screenshot(ben.page, 'desktop-lobby-dark');
  });

  it('message text is shown as text, and only http(s) links are clickable', async () => {
    await say(ann.page, '<b>bold?</b> <img src=x onerror="alert(1)"> see https://example.com/a?b=1. not javascript:alert(1)');
    const row = message(ben.page, 'bold?');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.text').innerText()).toBe(
      '<b>bold?</b> <img src=x onerror="alert(1)"> see https://example.com/a?b=1. not javascript:alert(1)',
    );
    expect(await row.locator('b, img').count()).toBe(0);
    const links = row.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await links.getAttribute('target')).toBe('_blank');
  });

  it('the composer sends on Enter, adds a line on Shift+Enter and shows what is left near the limit', async () => {
    await composer(ann.page).fill('first line');
    await composer(ann.page).press('Shift+Enter');
    await composer(ann.page).pressSequentially('second line');
    expect(await composer(ann.page).inputValue()).toBe('first line\nsecond line');
    await composer(ann.page).fill('x'.repeat(3700));
    expect(await ann.page.locator('#composer-counter').textContent()).toContain('300 left');
    await composer(ann.page).fill('x'.repeat(4010));
    expect(await ann.page.locator('#composer-counter').textContent()).toContain('10 over the limit');
    expect(await ann.page.getByRole('button', { name: 'Send message' }).isDisabled()).toBe(true);
    await composer(ann.page).fill('');
  });

  it('a DM starts by choosing a person, and shows up unread for the other', async () => {
    await personButton(ann.page, 'Ben').click();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Ben');
    await say(ann.page, 'Just between us: the cake is in the fridge.');

    await expect.poll(() => sidebarItem(ben.page, 'Ann').locator('.badge').textContent()).toContain('1');
    await expect.poll(() => ben.page.title()).toBe('(1) Hearth');
    await sidebarItem(ben.page, 'Ann').click();
    await expect.poll(() => message(ben.page, 'the cake is in the fridge').count()).toBe(1);
    await expect.poll(() => ben.page.title()).toBe('Hearth');
    expect(await sidebarItem(ben.page, 'Ann').locator('.badge').count()).toBe(0);
    await say(ben.page, 'Noted 🎂');
    await expect.poll(() => message(ann.page, 'Noted').count()).toBe(1);
    await screenshot(ann.page, 'desktop-dm');
  });

  it('an invite link is created and copied, and a third person joins with it on a phone', async () => {
    await ann.page.getByRole('button', { name: 'Invite' }).click();
    await ann.page.getByRole('button', { name: 'New invite link' }).click();
    const link = ann.page.getByRole('textbox', { name: /^Invite link/ });
    await expect.poll(() => link.inputValue()).toMatch(/\/join\/[\w-]+$/);
    await ann.page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => ann.page.getByRole('button', { name: 'Copied' }).isVisible()).toBe(true);
    await screenshot(ann.page, 'desktop-invite-dialog');
    const invite = await link.inputValue();
    await ann.page.keyboard.press('Escape');
    await expect.poll(() => ann.page.getByRole('dialog').count()).toBe(0);

    await join(cat.page, invite.replace(/^https?:\/\/[^/]+/, server.url), 'Cat');
    await expect.poll(() => personButton(ann.page, 'Cat').locator('.state').textContent()).toBe(' (online)');
  });

  it('a group is created by choosing people, and is named by its members', async () => {
    await ann.page.getByRole('button', { name: 'New group' }).click();
    const dialog = ann.page.getByRole('dialog');
    await dialog.getByLabel('Ben').check();
    await dialog.getByLabel('Cat').check();
    await screenshot(ann.page, 'desktop-new-group');
    await dialog.getByRole('button', { name: 'Create group of 3' }).click();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Ben, Cat');
    await say(ann.page, 'Planning the picnic here.');

    await expect.poll(() => sidebarItem(ben.page, 'Ann, Cat').locator('.badge').textContent()).toContain('1');
    await sidebarItem(ben.page, 'Ann, Cat').click();
    await expect.poll(() => message(ben.page, 'Planning the picnic').count()).toBe(1);
    await say(ben.page, 'I will bring lemonade.');
    await expect.poll(() => message(ann.page, 'lemonade').count()).toBe(1);
    await screenshot(ann.page, 'desktop-group');
  });

  it('a group’s member count opens who is in it, and a member can be messaged from there', async () => {
    await ann.page.getByRole('button', { name: '3 members' }).click();
    const dialog = ann.page.getByRole('dialog', { name: '3 members' });
    await expect.poll(() => dialog.locator('li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')))).toEqual([
      'Ann',
      'Ben',
      'Cat',
    ]);
    expect(await dialog.locator('li[data-user="Ann"]').textContent()).toContain('(you)');
    expect(await dialog.locator('li[data-user="Ann"] button').count()).toBe(0);
    await screenshot(ann.page, 'desktop-group-members');
    await dialog.getByRole('button', { name: 'Message Cat' }).click();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Cat');
    await sidebarItem(ann.page, 'Ben, Cat').click();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Ben, Cat');
  });

  it('on a phone the sidebar is a drawer, and the group opens from it', async () => {
    const menu = cat.page.getByRole('button', { name: /Open conversations/ });
    await expect.poll(() => menu.getAttribute('aria-label')).toBe('Open conversations (2 unread messages)');
    expect(await menu.locator('.menu-badge').textContent()).toBe('2');
    const badge = await menu.locator('.menu-badge').boundingBox();
    expect(badge?.width).toBeGreaterThanOrEqual(16);
    await screenshot(cat.page, 'phone-lobby');
    await cat.page.getByRole('button', { name: /Open conversations/ }).click();
    await expect.poll(() => sidebarItem(cat.page, 'Ann, Ben').isVisible()).toBe(true);
    await settled(cat.page);
    await screenshot(cat.page, 'phone-drawer');
    await sidebarItem(cat.page, 'Ann, Ben').click();
    await expect.poll(() => heading(cat.page).textContent()).toBe('Ann, Ben');
    await expect.poll(() => message(cat.page, 'lemonade').count()).toBe(1);
    await say(cat.page, 'Count me in! https://example.org/picnic-map');
    await expect.poll(() => message(ann.page, 'Count me in').count()).toBe(1);
    await settled(cat.page);
    await screenshot(cat.page, 'phone-group');
  });

  it('someone leaving shows them offline to the others', async () => {
    await ben.context.close();
    await expect.poll(() => personButton(ann.page, 'Ben').locator('.state').textContent()).toBe(' (offline)');
    await expect.poll(() => personButton(ann.page, 'Cat').locator('.state').textContent()).toBe(' (online)');
  });

  it('nothing went wrong in any page', () => {
    expect([...ann.errors, ...ben.errors, ...cat.errors]).toEqual([]);
  });
});
