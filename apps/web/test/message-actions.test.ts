import { mentionToken, type Message } from '@hearth/protocol';
import type { Browser, Locator, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { expectConnected, join, launchBrowser, longPress, message, person, PHONE, say, screenshot, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof person>>;
let cy: Awaited<ReturnType<typeof bot>>;
const updates: Message[] = [];

/** Ann's socket goes through this switch, so her connection alone can be cut while the others go on. */
const annLink = {
  offline: false,
  open: new Set<WebSocketRoute>(),
  cut() {
    this.offline = true;
    for (const socket of this.open) socket.close();
    this.open.clear();
  },
};

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await ann.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await ann.context.routeWebSocket(/\/ws$/, (page) => {
    if (annLink.offline) return page.close();
    const server = page.connectToServer();
    page.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => page.send(frame));
    annLink.open.add(page);
  });
  // Ben is on a phone: a touch screen with no hover, so actions come from a long press.
  ben = await person(browser, { viewport: PHONE, touch: true });
  await join(ann.page, await server.invite(), 'Ann');
  await join(ben.page, await server.invite(), 'Ben');
  cy = await bot(server, 'Cy');
  cy.client.on('message_updated', ({ payload }) => updates.push(payload.message));
});

afterAll(async () => {
  cy?.client.close();
  await browser?.close();
  await server?.destroy();
});

/** The toolbar a mouse gets on hovering a message. */
async function tool(page: Page, row: Locator, name: string): Promise<Locator> {
  await row.hover();
  return row.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name, exact: true });
}

const chip = (row: Locator, emoji: string) => row.locator('.reactions button', { has: row.page().locator('.emoji', { hasText: emoji }) });
const count = (row: Locator, emoji: string) => chip(row, emoji).locator('.count').textContent();

describe('acting on messages', () => {
  it('a reaction from the toolbar shows for the other person with who made it, and pressing it joins in or takes it back', async () => {
    await say(ann.page, 'Pancakes on Sunday?');
    await expect.poll(() => message(ben.page, 'Pancakes').count()).toBe(1);

    await (await tool(ann.page, message(ann.page, 'Pancakes'), 'React with 🎉')).click();
    const atBen = chip(message(ben.page, 'Pancakes'), '🎉');
    await expect.poll(() => atBen.locator('.count').textContent()).toBe('1');
    expect(await atBen.textContent()).toBe('🎉1: Ann reacted with 🎉. React too');
    expect(await atBen.getAttribute('aria-pressed')).toBe('false');

    await atBen.tap();
    await expect.poll(() => count(message(ann.page, 'Pancakes'), '🎉')).toBe('2');
    expect(await chip(message(ann.page, 'Pancakes'), '🎉').getAttribute('title')).toBe('You and Ben reacted with 🎉');
    await screenshot(ann.page, 'desktop-reactions');

    await chip(message(ann.page, 'Pancakes'), '🎉').click();
    await expect.poll(() => count(message(ben.page, 'Pancakes'), '🎉')).toBe('1');
    expect(await chip(message(ben.page, 'Pancakes'), '🎉').getAttribute('aria-pressed')).toBe('true');
  });

  it('on a phone a long press opens every action, and a reaction made there reaches the other person', async () => {
    await longPress(message(ben.page, 'Pancakes'));
    const sheet = ben.page.getByRole('dialog', { name: 'Message' });
    await sheet.waitFor();
    await screenshot(ben.page, 'phone-message-sheet');
    expect(await sheet.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await sheet.getByRole('button', { name: 'React with 🥳' }).click();
    await expect.poll(() => count(message(ann.page, 'Pancakes'), '🥳')).toBe('1');
    expect(await ben.page.getByRole('dialog').count()).toBe(0);
    // No hover on a phone: the toolbar stays out of the way.
    expect(await message(ben.page, 'Pancakes').getByRole('toolbar').isVisible()).toBe(false);
  });

  it('deleting asks first, then leaves a marker for everyone, and its replies say the original is gone', async () => {
    await say(ann.page, 'Oops, wrong chat');
    await expect.poll(() => message(ben.page, 'wrong chat').count()).toBe(1);
    const original = (await cy.client.loadHistory(cy.lobbyId)).messages.find((m) => m.content === 'Oops, wrong chat')!;
    await cy.client.reply(original, 'What was that?');
    await expect.poll(() => message(ann.page, 'What was that').locator('.quote').textContent()).toContain('Oops, wrong chat');

    await (await tool(ann.page, message(ann.page, 'wrong chat'), 'Delete')).click();
    const confirm = ann.page.getByRole('dialog', { name: 'Delete this message?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    for (const page of [ann.page, ben.page]) {
      await expect.poll(() => message(page, 'This message was deleted.').count()).toBe(1);
      expect(await message(page, 'wrong chat').count()).toBe(0);
      await expect.poll(() => message(page, 'What was that').locator('.quote').textContent()).toContain('Original message deleted');
    }
    expect(updates.some((m) => m.id === original.id && m.deleted === true)).toBe(true);
  });

  it('a quote leads to the message it answers, loading older history until it is there', async () => {
    const first = await cy.client.sendMessage(cy.lobbyId, 'The very first plan: picnic at noon');
    for (let i = 0; i < 140; i++) await cy.client.sendMessage(cy.lobbyId, `filler ${i}`);
    await ann.page.reload();
    await expectConnected(ann.page);
    await expect.poll(() => message(ann.page, 'filler 139').count()).toBe(1);
    expect(await message(ann.page, 'The very first plan').count()).toBe(0);

    await cy.client.reply(first, 'Still on for the picnic?');
    const quote = message(ann.page, 'Still on for the picnic').locator('.quote');
    await quote.click();
    const target = message(ann.page, 'The very first plan');
    await expect.poll(() => target.count()).toBe(1);
    await expect.poll(() => target.evaluate((row) => document.activeElement === row)).toBe(true);
    await expect.poll(() => target.isVisible()).toBe(true);
    await screenshot(ann.page, 'desktop-jump-to-original');
  });

  it('Copy text in the toolbar puts the message on the clipboard, and says so', async () => {
    await (await tool(ann.page, message(ann.page, 'Pancakes'), 'Copy text')).click();
    await expect.poll(() => ann.page.evaluate(() => navigator.clipboard.readText())).toBe('Pancakes on Sunday?');
    await ann.page.getByRole('status').filter({ hasText: 'Copied to the clipboard' }).waitFor();
    await screenshot(ann.page, 'desktop-copied');
  });

  it('a message that mentions you stands out', async () => {
    const annId = await userIdOf(ann.page);
    await cy.client.sendMessage(cy.lobbyId, `${mentionToken(annId)} can you bring plates?`);
    const row = ann.page.locator('[role="log"] article.mentioned');
    await expect.poll(() => row.count()).toBe(1);
    expect(await message(ben.page, 'can you bring plates').evaluate((r) => r.classList.contains('mentioned'))).toBe(false);
  });

  it('axe-core finds nothing serious in messages with reactions, quotes, mentions, the toolbar and the dialogs', async () => {
    const row = message(ann.page, 'Pancakes');
    await row.hover();
    await row.getByRole('toolbar').waitFor();
    await screenshot(ann.page, 'desktop-message-toolbar', { hovering: true });
    expect(await seriousViolations(ann.page)).toEqual([]);
    await (await tool(ann.page, row, 'Delete')).click();
    await ann.page.getByRole('dialog').waitFor();
    expect(await seriousViolations(ann.page), 'delete dialog').toEqual([]);
    await ann.page.keyboard.press('Escape');
    await longPress(message(ben.page, 'Pancakes'));
    await ben.page.getByRole('dialog').waitFor();
    expect(await seriousViolations(ben.page), 'message sheet').toEqual([]);
    await ben.page.keyboard.press('Escape');
    expect(await message(ann.page, 'Pancakes').count()).toBe(1);
  });

  it('edits, deletions and reactions made while away reach a page once it is back, through catch-up', async () => {
    const kept = await cy.client.sendMessage(cy.lobbyId, 'Meet at the gate');
    const dropped = await cy.client.sendMessage(cy.lobbyId, 'Bring umbrellas');
    await expect.poll(() => message(ann.page, 'Bring umbrellas').count()).toBe(1);

    annLink.cut();
    await expect.poll(() => ann.page.locator('[data-state]').getAttribute('data-state')).not.toBe('online');
    await cy.client.editMessage(kept.id, 'Meet at the north gate');
    await cy.client.deleteMessage(dropped.id);
    await cy.client.react(kept.id, '👍');
    annLink.offline = false;
    // The client's own retry may get there first and take the button away; either way the page must be back.
    await ann.page.getByRole('button', { name: 'Reconnect now' }).click({ timeout: 2_000 }).catch(() => undefined);
    await expectConnected(ann.page);

    await expect.poll(() => message(ann.page, 'Meet at the north gate').count()).toBe(1);
    const row = message(ann.page, 'Meet at the north gate');
    expect(await row.locator('.edited').textContent()).toBe('(edited)');
    await expect.poll(() => count(row, '👍')).toBe('1');
    expect(await message(ann.page, 'Bring umbrellas').count()).toBe(0);
  });

  it('nothing went wrong in any page', () => {
    expect([...ann.errors, ...ben.errors]).toEqual([]);
  });
});
