import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { composer, join, launchBrowser, message, person, PHONE, say, screenshot, settled, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
/** Ann at her desk, Dee on a phone in the dark; Ben makes the group and changes it, Cy is in it for a while. */
let ann: Awaited<ReturnType<typeof person>>;
let dee: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;
let cy: Awaited<ReturnType<typeof bot>>;
let groupId: number;

/** Ann's socket passes through here, so the test can take her off the network and let her catch up. */
const network = {
  offline: false,
  links: new Set<{ page: WebSocketRoute; server: WebSocketRoute }>(),
  cut() {
    this.offline = true;
    for (const link of this.links) {
      link.server.close();
      link.page.close();
    }
    this.links.clear();
  },
};

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  [ann, dee] = [await person(browser), await person(browser, { viewport: PHONE, colorScheme: 'dark' })];
  await ann.context.routeWebSocket(/\/ws$/, (page) => {
    if (network.offline) return page.close();
    const link = { page, server: page.connectToServer() };
    page.onMessage((frame) => link.server.send(frame));
    link.server.onMessage((frame) => page.send(frame));
    network.links.add(link);
  });
  await join(ann.page, await server.invite(), 'Ann');
  await join(dee.page, await server.invite(), 'Dee');
  [ben, cy] = [await bot(server, 'Ben'), await bot(server, 'Cy')];
});

afterAll(async () => {
  ben?.client.close();
  cy?.client.close();
  await browser?.close();
  await server?.destroy();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const sidebarItem = (page: Page, label: string) => page.locator('nav .item', { has: page.locator('.label', { hasText: label }) });
/** The group change lines of the open conversation, as they read. */
const lines = (page: Page) => page.locator('[role="log"] [data-change-line] .what').allTextContents();
const state = () => ann.page.locator('[data-state]').getAttribute('data-state');

/** Pictures of the open conversation in both themes; the page is left in the theme it had. */
async function pictures(page: Page, name: string, scheme: 'light' | 'dark'): Promise<void> {
  await settled(page);
  await screenshot(page, `${name}-${scheme}`);
  const other = scheme === 'light' ? 'dark' : 'light';
  await page.emulateMedia({ colorScheme: other });
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, `${name}-${other}`);
  await page.emulateMedia({ colorScheme: scheme });
}

describe('group change lines', () => {
  it('show each change to a group as a quiet line, live, to everyone in it', async () => {
    groupId = (await ben.client.createGroup([await userIdOf(ann.page), cy.userId])).id;
    await ben.client.renameGroup(groupId, 'Trip');
    await sidebarItem(ann.page, 'Trip').click();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Trip');
    await expect.poll(() => lines(ann.page)).toEqual(['Ben renamed the group to Trip']);
    await say(ann.page, 'Where are we going?');
    await expect.poll(() => message(ann.page, 'Where are we going?').count()).toBe(1);

    await ben.client.addMembers(groupId, [await userIdOf(dee.page)]);
    await expect.poll(() => lines(ann.page)).toEqual(['Ben renamed the group to Trip', 'Ben added Dee']);
    await ben.client.sendMessage(groupId, 'To the lake');
    await cy.client.sendMessage(groupId, 'I cannot come, sorry');
    await ben.client.removeMember(groupId, cy.userId);
    const now = ['Ben renamed the group to Trip', 'Ben added Dee', 'Ben removed Cy'];
    await expect.poll(() => lines(ann.page)).toEqual(now);

    // Someone added sees the group's lines with what was said, on a phone too.
    await dee.page.getByRole('button', { name: /Open conversations/ }).click();
    await sidebarItem(dee.page, 'Trip').click();
    await expect.poll(() => heading(dee.page).textContent()).toBe('Trip');
    await expect.poll(() => lines(dee.page)).toEqual(now);
    await expect.poll(() => message(dee.page, 'To the lake').count()).toBe(1);

    // A line is no message: no toolbar, no menu, and it is not counted among the messages.
    expect(await ann.page.locator('[role="log"] [data-change-line] button').count()).toBe(0);
    expect(await ann.page.locator('[role="log"] article').count()).toBe(3);

    // People are named as they are called now.
    await ben.client.setNickname('Benjamin');
    await expect.poll(() => lines(ann.page)).toEqual(['Benjamin renamed the group to Trip', 'Benjamin added Dee', 'Benjamin removed Cy']);
    await pictures(ann.page, 'desktop-group-lines', 'light');
    await pictures(dee.page, 'phone-group-lines', 'dark');
  });

  it('are there again after a reload', async () => {
    await ann.page.reload();
    await expect.poll(() => heading(ann.page).textContent()).toBe('Trip');
    await expect.poll(() => lines(ann.page)).toEqual(['Benjamin renamed the group to Trip', 'Benjamin added Dee', 'Benjamin removed Cy']);
    await expect.poll(() => message(ann.page, 'I cannot come, sorry').count()).toBe(1);
  });

  it('come by catch-up to someone who was away, and never to someone who left', async () => {
    network.cut();
    await expect.poll(() => state()).toBe('reconnecting');
    await ben.client.renameGroup(groupId, 'Lake');
    network.offline = false;
    await expect.poll(() => state(), { timeout: 30_000 }).toBe('online');
    await expect.poll(() => lines(ann.page)).toEqual(['Benjamin renamed the group to Trip', 'Benjamin added Dee', 'Benjamin removed Cy', 'Benjamin renamed the group to Lake']);

    await dee.page.getByRole('button', { name: '3 members' }).click();
    const dialog = dee.page.getByRole('dialog', { name: '3 members' });
    await dialog.getByRole('button', { name: 'Leave group' }).click();
    await dialog.getByRole('button', { name: 'Leave group' }).click();
    await expect.poll(() => heading(dee.page).textContent()).toBe('Lobby');
    await expect.poll(() => lines(ann.page)).toContain('Dee left');

    await ben.client.renameGroup(groupId, 'Lake, without Dee');
    await expect.poll(() => lines(ann.page)).toContain('Benjamin renamed the group to Lake, without Dee');
    // Dee hears nothing more of the group: its line reaches no page of hers, even one opened afresh.
    await dee.page.reload();
    await expect.poll(() => heading(dee.page).textContent()).toBe('Lobby');
    expect(await dee.page.getByText('without Dee').count()).toBe(0);
    expect(await sidebarItem(dee.page, 'Lake').count()).toBe(0);
  });

  it('are not taken for something one wrote: up in the composer edits one’s last message, not one’s last line', async () => {
    await ann.page.getByRole('button', { name: '2 members' }).click();
    const dialog = ann.page.getByRole('dialog', { name: '2 members' });
    await dialog.getByLabel('Group name').fill('Picnic');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('Saved');
    await ann.page.keyboard.press('Escape');
    await expect.poll(() => lines(ann.page)).toContain('Ann renamed the group to Picnic');

    await composer(ann.page).press('ArrowUp');
    await expect.poll(() => composer(ann.page).inputValue()).toBe('Where are we going?');
    await ann.page.getByRole('button', { name: 'Cancel edit' }).click();
    expect([...ann.errors, ...dee.errors]).toEqual([]);
  });
});
