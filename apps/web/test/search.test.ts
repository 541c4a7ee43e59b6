import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { join, launchBrowser, message, messages, person, PHONE, screenshot, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let cy: Awaited<ReturnType<typeof bot>>;

/** Messages sent after the one to find: more than the newest page holds, so reaching it takes loading older pages. */
const LATER = 130;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await join(ann.page, await server.invite(), 'Ann');
  cy = await bot(server, 'Cy');
  await cy.client.sendMessage(cy.lobbyId, 'Meet me at the old **lighthouse** at dawn');
  for (let i = 1; i <= LATER; i++) await cy.client.sendMessage(cy.lobbyId, `chatter ${i}`);
  const dm = await cy.client.createDm(await userIdOf(ann.page));
  await cy.client.sendMessage(dm.id, 'The lighthouse keys are under the mat');
  await cy.client.sendMessage(cy.lobbyId, `${'A long story about the harbour, the boats and the weather that week. '.repeat(6)}Then the lantern went out.`);
  await message(ann.page, 'lantern went out').waitFor();
});

afterAll(async () => {
  cy?.client.close();
  await browser?.close();
  await server?.destroy();
});

const panel = (page: Page) => page.getByRole('dialog', { name: 'Search messages' });
const box = (page: Page) => panel(page).getByRole('combobox', { name: 'Search messages' });
const results = (page: Page) => panel(page).getByRole('listbox', { name: 'Messages found' }).getByRole('option');
/** A choice of where to look: a radio button drawn as its label. */
const scope = (page: Page, name: string) => panel(page).locator('fieldset label', { hasText: name });
const marked = (option: Locator) => option.locator('mark').allTextContents();

/** Whether an element lies wholly inside the window. */
const inView = (locator: Locator) =>
  locator.evaluate((element) => {
    const { top, bottom } = element.getBoundingClientRect();
    return top >= 0 && bottom <= window.innerHeight;
  });

describe('searching messages', () => {
  it('finds what a bot sent as the words are typed, with where, who and when, and the words marked', async () => {
    const { page } = ann;
    await page.getByRole('button', { name: 'Search messages' }).click();
    await expect.poll(() => box(page).evaluate((input) => input === document.activeElement)).toBe(true);
    await box(page).fill('lighthous');
    await expect.poll(() => results(page).count()).toBe(2);

    const [inDm, inLobby] = [results(page).nth(0), results(page).nth(1)];
    expect(await inDm.textContent()).toMatch(/Cy\s*in\s*DM.*The lighthouse keys are under the mat$/s);
    expect(await inLobby.textContent()).toMatch(/Cy\s*in\s*Lobby.*Meet me at the old lighthouse at dawn$/s);
    expect(await marked(inLobby)).toEqual(['lighthouse']);
    expect(await inDm.getAttribute('aria-selected')).toBe('true');
    expect(await panel(page).getByRole('status').textContent()).toBe('2 messages, newest first');
    await screenshot(page, 'search-desktop-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'search-desktop-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('narrows to the open conversation and to one person, and says when nothing matches', async () => {
    const { page } = ann;
    await scope(page, 'In Lobby').click();
    await expect.poll(() => results(page).count()).toBe(1);
    expect(await marked(results(page).first())).toEqual(['lighthouse']);

    await panel(page).getByLabel('From').selectOption({ label: 'Ann (you)' });
    await expect.poll(() => panel(page).getByRole('status').textContent()).toBe('No messages match.');
    expect(await results(page).count()).toBe(0);

    await panel(page).getByLabel('From').selectOption({ label: 'Cy' });
    await expect.poll(() => results(page).count()).toBe(1);
  });

  it('goes to an old message on a click, loading the pages before it', async () => {
    const { page, errors } = ann;
    await results(page).first().click();
    expect(await panel(page).isVisible()).toBe(false);
    const found = message(page, 'old lighthouse');
    await expect.poll(() => found.count()).toBe(1);
    await expect.poll(() => inView(found)).toBe(true);
    // Marked plainly, with the accent's bar.
    await expect.poll(() => found.evaluate((row) => getComputedStyle(row).boxShadow)).toMatch(/inset/);
    expect(await messages(page).count()).toBeGreaterThan(LATER);
    await expect.poll(() => found.evaluate((row) => row.contains(document.activeElement))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('opens with Ctrl+K or /, and goes to the chosen result with the arrow keys and Enter', async () => {
    const { page } = ann;
    await page.keyboard.press('Control+k');
    await expect.poll(() => panel(page).isVisible()).toBe(true);
    await scope(page, 'Everywhere').click();
    await panel(page).getByLabel('From').selectOption({ label: 'anyone' });
    await box(page).fill('lighthouse');
    await expect.poll(() => results(page).count()).toBe(2);
    const first = await results(page).first().getAttribute('id');
    // Once the search for what was typed has been answered, the first result is the one Enter opens.
    await expect.poll(() => box(page).getAttribute('aria-activedescendant')).toBe(first);
    await box(page).press('ArrowDown');
    expect(await box(page).getAttribute('aria-activedescendant')).toBe(await results(page).nth(1).getAttribute('id'));
    await box(page).press('ArrowUp');
    expect(await box(page).getAttribute('aria-activedescendant')).toBe(first);
    await box(page).press('Enter');

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Cy');
    await expect.poll(() => inView(message(page, 'keys are under the mat'))).toBe(true);

    await page.keyboard.press('/');
    await expect.poll(() => panel(page).isVisible()).toBe(true);
    expect(await box(page).inputValue()).toBe('lighthouse');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).isVisible()).toBe(false);
  });

  it('shows older matches on “Load more”', async () => {
    const { page } = ann;
    await page.keyboard.press('Control+k');
    await box(page).fill('chatter');
    await expect.poll(() => results(page).count()).toBe(20);
    expect(await panel(page).getByRole('status').textContent()).toBe('20 messages so far, newest first');
    expect(await results(page).first().textContent()).toMatch(new RegExp(`chatter ${LATER}$`));
    await panel(page).getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => results(page).count()).toBe(40);
    expect(await results(page).nth(39).textContent()).toMatch(new RegExp(`chatter ${LATER - 39}$`));
    await screenshot(page, 'search-desktop-more');
    await page.keyboard.press('Escape');
  });

  it('fills a phone’s screen, in light and dark', async () => {
    const ben = await person(browser, { viewport: PHONE, touch: true, colorScheme: 'dark' });
    await join(ben.page, await server.invite(), 'Ben');
    await ben.page.getByRole('button', { name: 'Search messages' }).tap();
    await screenshot(ben.page, 'search-phone-empty-dark');
    await box(ben.page).fill('lantern');
    await expect.poll(() => results(ben.page).count()).toBe(1);
    expect(await results(ben.page).first().locator('.text').textContent()).toMatch(/^…\S.*the lantern went out\.$/);
    await screenshot(ben.page, 'search-phone-long-dark');
    await box(ben.page).fill('lighthouse dawn');
    await expect.poll(() => marked(results(ben.page).first())).toEqual(['lighthouse', 'dawn']);
    expect(await results(ben.page).count()).toBe(1);
    const { width, height } = (await panel(ben.page).boundingBox())!;
    expect({ width, height }).toEqual({ width: PHONE.width, height: PHONE.height });
    await screenshot(ben.page, 'search-phone-dark');
    await ben.page.emulateMedia({ colorScheme: 'light' });
    await screenshot(ben.page, 'search-phone-light');
    expect(await seriousViolations(ben.page)).toEqual([]);
    expect(ben.errors).toEqual([]);
    await ben.context.close();
  });
});
