import { mentionToken, type Message } from '@hearth/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { composer, expectConnected, join, launchBrowser, message, person, PHONE, say, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let dee: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;
const heard: Message[] = [];
const updates: Message[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  // Dee is on a phone with a touch screen.
  dee = await person(browser, { viewport: PHONE, touch: true });
  await join(ann.page, await server.invite(), 'Ann');
  await join(dee.page, await server.invite(), 'Dee');
  ben = await bot(server, 'Ben');
  ben.client.on('message', ({ payload }) => heard.push(payload));
  ben.client.on('message_updated', ({ payload }) => updates.push(payload.message));
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

const picker = (page: Page) => page.getByRole('listbox', { name: 'People to mention' });
const heardFrom = (text: string) => heard.find((m) => m.content.includes(text));

describe('writing in the composer', () => {
  it('offers people after @, and the keyboard picks one: the message mentions them by id', async () => {
    await composer(ann.page).pressSequentially('Lunch, @be');
    await picker(ann.page).waitFor();
    expect(await picker(ann.page).getByRole('option').locator('.name').allTextContents()).toEqual(['Ben']);
    expect(await composer(ann.page).getAttribute('aria-activedescendant')).toBe(`mention-picker-${ben.userId}`);
    await screenshot(ann.page, 'composer-mention-desktop');
    expect(await seriousViolations(ann.page)).toEqual([]);
    await composer(ann.page).press('Enter');
    expect(await picker(ann.page).count()).toBe(0);
    expect(await composer(ann.page).inputValue()).toBe('Lunch, @Ben ');
    await composer(ann.page).pressSequentially('at noon?');
    await composer(ann.page).press('Enter');

    await expect.poll(() => heardFrom('at noon?')?.mentions).toEqual([ben.userId]);
    expect(heardFrom('at noon?')?.content).toBe(`Lunch, ${mentionToken(ben.userId)} at noon?`);
    await expect.poll(() => message(ann.page, 'at noon?').locator('.mention').textContent()).toBe('@Ben');
  });

  it('a mention picked shows as @name, a chip that the caret steps over and Backspace deletes whole', async () => {
    const input = composer(ann.page);
    const caret = () => input.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
    await input.pressSequentially('Ask @Be');
    await input.press('Enter');
    await input.pressSequentially('first');
    expect(await input.inputValue()).toBe('Ask @Ben first');
    expect(await ann.page.locator('.chips mark').allTextContents()).toEqual(['@Ben']);
    await screenshot(ann.page, 'composer-chip-desktop');

    // From the end of "first" back over the space to the chip's end; one more step jumps to its start.
    for (let i = 0; i < 6; i++) await input.press('ArrowLeft');
    await expect.poll(caret).toEqual([8, 8]);
    await input.press('ArrowLeft');
    await expect.poll(caret).toEqual([4, 4]);
    await input.press('ArrowRight');
    await expect.poll(caret).toEqual([8, 8]);
    await input.press('Backspace');
    expect(await input.inputValue()).toBe('Ask  first');
    expect(await ann.page.locator('.chips mark').count()).toBe(0);
    await input.fill('');
  });

  it('editing a message with a mention shows @name again, and saving keeps the token', async () => {
    await expect.poll(() => message(ann.page, 'at noon?').getAttribute('data-status')).toBe('sent');
    await composer(ann.page).press('ArrowUp');
    await expect.poll(() => composer(ann.page).inputValue()).toBe('Lunch, @Ben at noon?');
    expect(await ann.page.locator('.chips mark').allTextContents()).toEqual(['@Ben']);
    await screenshot(ann.page, 'composer-editing-chip');
    await composer(ann.page).press('End');
    await composer(ann.page).pressSequentially(' Or at one?');
    await composer(ann.page).press('Enter');

    await expect.poll(() => updates.find((m) => m.content.endsWith('Or at one?'))?.content).toBe(
      `Lunch, ${mentionToken(ben.userId)} at noon? Or at one?`,
    );
    expect(updates.find((m) => m.content.endsWith('Or at one?'))?.mentions).toEqual([ben.userId]);
    expect(await composer(ann.page).inputValue()).toBe('');
  });

  it('a draft with a mention comes back after a reload with its chip, kept as the token', async () => {
    await composer(ann.page).pressSequentially('Ping @Be');
    await composer(ann.page).press('Enter');
    await expect.poll(() => ann.page.evaluate(() => JSON.stringify(localStorage))).toContain(`Ping ${mentionToken(ben.userId)} `);
    await ann.page.reload();
    await expectConnected(ann.page);
    await expect.poll(() => composer(ann.page).inputValue()).toBe('Ping @Ben ');
    expect(await ann.page.locator('.chips mark').allTextContents()).toEqual(['@Ben']);
    await composer(ann.page).fill('');
  });

  it('closes the list on Escape, and Enter then sends what is written', async () => {
    await composer(ann.page).pressSequentially('mail @nobody');
    await expect.poll(() => picker(ann.page).getByRole('option').allTextContents()).toEqual(['Nobody by that name here']);
    await composer(ann.page).press('Escape');
    expect(await picker(ann.page).count()).toBe(0);
    await composer(ann.page).press('Enter');
    await expect.poll(() => heardFrom('mail @nobody')?.mentions).toBeUndefined();
    expect(heardFrom('mail @nobody')).toBeDefined();
  });

  it('on a phone, a tap picks the person and the send button sends', async () => {
    await composer(dee.page).tap();
    await composer(dee.page).pressSequentially('Hey @An');
    await picker(dee.page).waitFor();
    await screenshot(dee.page, 'composer-mention-phone');
    await picker(dee.page).getByRole('option', { name: 'Ann' }).tap();
    await expect.poll(() => composer(dee.page).inputValue()).toBe('Hey @Ann ');
    await screenshot(dee.page, 'composer-chip-phone');
    await composer(dee.page).pressSequentially('are you in?');
    await dee.page.getByRole('button', { name: 'Send message' }).tap();
    await expect.poll(() => message(ann.page, 'are you in?').evaluate((row) => row.classList.contains('mentioned'))).toBe(true);
    expect(await message(ann.page, 'are you in?').locator('.mention.me').textContent()).toBe('@Ann');
  });

  it('Up in an empty composer edits your last message; Enter saves it for everyone', async () => {
    await say(ann.page, 'Meet at 12:30');
    // Up edits a stored message: while the newest is still on its way there is none to edit yet.
    await expect.poll(() => message(ann.page, 'Meet at 12:30').getAttribute('data-status')).toBe('sent');
    await composer(ann.page).press('ArrowUp');
    await expect.poll(() => composer(ann.page).inputValue()).toBe('Meet at 12:30');
    expect(await ann.page.getByRole('button', { name: 'Cancel edit' }).count()).toBe(1);
    await screenshot(ann.page, 'composer-editing');
    await composer(ann.page).fill('Meet at 13:00');
    await composer(ann.page).press('Enter');

    await expect.poll(() => updates.find((m) => m.content === 'Meet at 13:00')?.edited_at).toBeGreaterThan(0);
    await expect.poll(() => message(ann.page, 'Meet at 13:00').locator('.edited').count()).toBe(1);
    await expect.poll(() => message(dee.page, 'Meet at 13:00').locator('.edited').count()).toBe(1);
    expect(await composer(ann.page).inputValue()).toBe('');
  });

  it('an edit begun from the menu puts the draft aside, and Escape brings it back', async () => {
    await composer(ann.page).fill('half a thought');
    const row = message(ann.page, 'Meet at 13:00');
    await row.hover();
    await row.getByRole('toolbar').getByRole('button', { name: 'Edit', exact: true }).click();
    await expect.poll(() => composer(ann.page).inputValue()).toBe('Meet at 13:00');
    await composer(ann.page).press('Escape');
    await expect.poll(() => composer(ann.page).inputValue()).toBe('half a thought');
    expect(await ann.page.getByRole('button', { name: 'Cancel edit' }).count()).toBe(0);
    await composer(ann.page).fill('');
  });

  it('a reply begun from the menu shows what it answers, and reaches the other person as a reply', async () => {
    const question = await ben.client.sendMessage(ben.lobbyId, 'Who is bringing dessert?');
    const row = message(ann.page, 'Who is bringing dessert?');
    await row.hover();
    await row.getByRole('toolbar').getByRole('button', { name: 'Reply', exact: true }).click();
    await expect.poll(() => ann.page.locator('.composing').textContent()).toContain('Replying to Ben');
    await expect.poll(() => ann.page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    await composer(ann.page).pressSequentially('I will!');
    await screenshot(ann.page, 'composer-reply');
    await composer(ann.page).press('Enter');

    await expect.poll(() => heardFrom('I will!')?.reply_to).toBe(question.id);
    expect(heardFrom('I will!')?.quote).toEqual({ user_id: ben.userId, excerpt: 'Who is bringing dessert?' });
    expect(await ann.page.locator('.composing').count()).toBe(0);
    await expect.poll(() => message(dee.page, 'I will!').locator('.quote').textContent()).toContain('Who is bringing dessert?');
  });

  it('nothing went wrong in any page', () => {
    expect([...ann.errors, ...dee.errors]).toEqual([]);
  });
});
