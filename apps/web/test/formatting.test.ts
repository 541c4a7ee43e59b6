import { mentionToken } from '@hearth/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { DESKTOP, join, launchBrowser, message, person, PHONE, say, screenshot, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let cy: Awaited<ReturnType<typeof bot>>;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await join(ann.page, await server.invite(), 'Ann');
  cy = await bot(server, 'Cy');
});

afterAll(async () => {
  cy?.client.close();
  await browser?.close();
  await server?.destroy();
});

// A line too long for the pane, so that the code block scrolls.
const CODE = `const answer = 42; // ${'and on '.repeat(30)}\nconsole.log(answer);`;

const HOSTILE = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '[click me](javascript:window.__pwned=3)',
  '[click me too](JaVaScRiPt:window.__pwned=4)',
  '[data](data:text/html,<script>window.__pwned=5</script>)',
  '<a href="javascript:window.__pwned=6" onclick="window.__pwned=7">a link?</a>',
  '**<b onmouseover="window.__pwned=8">nested</b>** _[x](javascript:1)_',
];

describe('formatting', () => {
  it('folds a very long message past a height, with a button to show all of it and fold it again', async () => {
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i + 1} of a long paste`).join('\n');
    await cy.client.sendMessage(cy.lobbyId, `long paste follows\n${lines}`);
    const row = message(ann.page, 'long paste follows');
    const more = row.getByRole('button', { name: 'Show more' });
    await more.waitFor();
    const text = row.locator('.text');
    const folded = await text.evaluate((box) => box.clientHeight);
    expect(await text.evaluate((box) => box.scrollHeight)).toBeGreaterThan(folded);
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await screenshot(ann.page, 'desktop-long-message-folded');

    await more.click();
    const less = row.getByRole('button', { name: 'Show less' });
    expect(await less.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => text.evaluate((box) => box.clientHeight)).toBeGreaterThan(folded * 2);
    expect(await text.evaluate((box) => box.scrollHeight - box.clientHeight)).toBeLessThanOrEqual(1);
    await less.click();
    await expect.poll(() => text.evaluate((box) => box.clientHeight)).toBe(folded);
    // A short message has no such button.
    await cy.client.sendMessage(cy.lobbyId, 'a short note after it');
    const short = message(ann.page, 'a short note after it');
    await short.waitFor();
    expect(await short.getByRole('button', { name: /Show (more|less)/ }).count()).toBe(0);
  });

  it('shows the markdown subset typed by one person to another, formatted, legible and scrollable by keyboard', async () => {
    await say(ann.page, 'This is **bold**, *italic*, ~~gone~~ and `code` — see [the docs](https://example.org/docs)');
    const annId = await userIdOf(ann.page);
    await cy.client.sendMessage(
      cy.lobbyId,
      `> quoted wisdom, \`verbatim\`\n\n\`\`\`\n${CODE}\n\`\`\`\nthanks ${mentionToken(annId)}, from ${mentionToken(cy.userId)}: https://example.org/more`,
    );

    const row = message(ann.page, 'This is bold');
    await expect.poll(() => row.locator('strong').textContent()).toBe('bold');
    expect(await row.locator('em').textContent()).toBe('italic');
    expect(await row.locator('del').textContent()).toBe('gone');
    expect(await row.locator('code').textContent()).toBe('code');
    expect(await row.locator('a').getAttribute('href')).toBe('https://example.org/docs');
    expect(await row.locator('a').getAttribute('rel')).toBe('noopener noreferrer');

    const fromCy = message(ann.page, 'quoted wisdom');
    await expect.poll(() => fromCy.locator('blockquote').textContent()).toBe('quoted wisdom, verbatim');
    expect(await fromCy.locator('pre code').textContent()).toBe(CODE);
    expect(await fromCy.locator('.mention.me').textContent()).toBe('@Ann');
    expect(await fromCy.locator('.mention:not(.me)').textContent()).toBe('@Cy');
    expect(await seriousViolations(ann.page)).toEqual([]);
    await screenshot(ann.page, 'desktop-formatting');
  });

  it('never turns message text into HTML, whatever is sent', async () => {
    for (const content of HOSTILE) await cy.client.sendMessage(cy.lobbyId, content);
    await expect.poll(() => message(ann.page, 'nested').count()).toBe(1);
    const messages = ann.page.locator('[role="log"] article .text');
    expect(await messages.locator('script, img, iframe, object, embed, b').count()).toBe(0);
    const attributes = await messages.evaluateAll((nodes) =>
      nodes.flatMap((node) => [...node.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => `${a.name}=${a.value}`))),
    );
    expect(attributes.filter((a) => /^on/i.test(a) || /javascript:|data:/i.test(a))).toEqual([]);
    for (const link of await messages.locator('a').all()) {
      await link.hover();
    }
    expect(await message(ann.page, 'click me').locator('a').count()).toBe(0);
    expect(await message(ann.page, '<script>window.__pwned = 1</script>').count()).toBe(1);
    expect(await ann.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await ann.page.setViewportSize(PHONE);
    const width = await ann.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await message(ann.page, 'quoted wisdom').scrollIntoViewIfNeeded();
    expect(await seriousViolations(ann.page)).toEqual([]);
    await screenshot(ann.page, 'phone-formatting');
    await ann.page.setViewportSize(DESKTOP);
    expect(ann.errors).toEqual([]);
  });
});
