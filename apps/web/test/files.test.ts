import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { bot } from './support/bot.js';
import { composer, join, launchBrowser, message, messages, person, PHONE, screenshot, settled } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof person>>;
/** A site a message links to, on loopback, which the server is allowed to reach. */
let site: Server;
let siteUrl: string;

/** A photo of one colour, `width` × `height`. */
const photo = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();

/** The files picker behind the composer's Attach button. */
const picker = (page: Page) => page.locator('input[type="file"][multiple]');
const tray = (page: Page) => page.getByRole('list', { name: 'Files to send' });
/** Pictures shown in the conversation, once their thumbnails have loaded. */
const shownPictures = (page: Page) =>
  page.locator('[role="log"] .attachments img').evaluateAll((images) => images.filter((img) => (img as HTMLImageElement).naturalWidth > 0).map((img) => img.getAttribute('alt')));

/** Hands files to the page as a paste into the composer, or a drop onto the conversation, would. */
async function give(page: Page, how: 'paste' | 'drop', name: string, bytes: Buffer, type: string): Promise<void> {
  await page.evaluate(
    ({ how, name, base64, type }) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      if (how === 'paste') {
        document.querySelector('#composer-input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      } else {
        const pane = document.querySelector('section.pane')!;
        pane.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        pane.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    { how, name, base64: bytes.toString('base64'), type },
  );
}

/** Waits until every file in the tray is up, then sends. */
async function sendWhenUp(page: Page, caption: string): Promise<void> {
  await expect.poll(() => tray(page).getByText(/Uploading|Not uploaded/).count()).toBe(0);
  await composer(page).fill(caption);
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect.poll(() => tray(page).count()).toBe(0);
}

beforeAll(async () => {
  const loaf = await photo(600, 400, '#b85');
  site = createServer((req, res) =>
    req.url === '/loaf.jpg'
      ? res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(loaf)
      : res
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end('<html><head><meta property="og:title" content="Sourdough, step by step"><meta property="og:description" content="A starter, a loaf and a long weekend."><meta property="og:site_name" content="Bakers’ Corner"><meta property="og:image" content="/loaf.jpg"></head></html>'),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/sourdough`;
  [server, browser] = await Promise.all([TestServer.start({ outboundAllowHosts: ['127.0.0.1'] }), launchBrowser()]);
  ann = await person(browser);
  ben = await person(browser, { viewport: PHONE, touch: true });
  await join(ann.page, await server.invite(), 'Ann');
  await join(ben.page, await server.invite(), 'Ben');
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
  await new Promise((resolve) => site?.close(resolve));
});

describe('photos and files', () => {
  it('a picked photo goes with its caption, and the other person sees its thumbnail live and after a reload', async () => {
    await picker(ann.page).setInputFiles({ name: 'garden.jpg', mimeType: 'image/jpeg', buffer: await photo(1200, 800, '#3a7') });
    await expect.poll(() => tray(ann.page).getByText('garden.jpg').count()).toBe(1);
    await sendWhenUp(ann.page, 'The garden this morning');

    await expect.poll(() => shownPictures(ben.page)).toEqual(['garden.jpg']);
    const row = message(ben.page, 'The garden this morning');
    expect(await row.getByRole('button', { name: 'Open picture garden.jpg' }).count()).toBe(1);
    await ben.page.reload();
    await expect.poll(() => shownPictures(ben.page)).toEqual(['garden.jpg']);
    await screenshot(ben.page, 'phone-picture');
  });

  it('a pasted screenshot and a dropped file are attached and sent in one message', async () => {
    await give(ann.page, 'paste', 'screenshot.png', await sharp({ create: { width: 300, height: 200, channels: 3, background: '#36c' } }).png().toBuffer(), 'image/png');
    await give(ann.page, 'drop', 'notes.txt', Buffer.from('Buy bread\nWater the plants\n'), 'text/plain');
    await expect.poll(() => tray(ann.page).getByRole('listitem').count()).toBe(2);
    await screenshot(ann.page, 'desktop-files-tray');
    await sendWhenUp(ann.page, 'Two things');

    await expect.poll(() => shownPictures(ben.page)).toEqual(['garden.jpg', 'screenshot.png']);
    const row = message(ben.page, 'Two things');
    await expect.poll(() => row.getByRole('button', { name: /^Download notes\.txt, 2\d bytes$/ }).count()).toBe(1);
    // Sent once, with both files, whatever the retries.
    expect(await messages(ann.page).filter({ hasText: 'Two things' }).count()).toBe(1);
  });

  it('on a phone an upload shows its progress, can be cancelled, and after a dropped connection is tried again', async () => {
    const cdp = await ben.context.newCDPSession(ben.page);
    await cdp.send('Network.enable');
    // A slow uplink, so the upload is seen on its way.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 200_000 });
    const big = await photo(2000, 1500, '#a53');
    await ben.page.locator('input[type="file"][multiple]').setInputFiles({ name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(600_000, 7) });
    const progress = tray(ben.page).getByRole('progressbar', { name: 'Uploading slow.bin' });
    await expect.poll(async () => Number((await progress.getAttribute('value')) ?? 0)).toBeGreaterThan(0);
    await screenshot(ben.page, 'phone-upload-progress');
    await tray(ben.page).getByRole('button', { name: 'Cancel uploading slow.bin' }).tap();
    await expect.poll(() => tray(ben.page).count()).toBe(0);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // The connection drops once: the upload fails, and a tap tries it again.
    let cut = true;
    await ben.page.route('**/api/files?*', (route) => (cut ? ((cut = false), route.abort('connectionreset')) : route.continue()));
    await ben.page.locator('input[type="file"][multiple]').setInputFiles({ name: 'beach.jpg', mimeType: 'image/jpeg', buffer: big });
    await expect.poll(() => tray(ben.page).getByText(/^Not uploaded/).count()).toBe(1);
    await tray(ben.page).getByRole('button', { name: 'Try uploading beach.jpg again' }).tap();
    await sendWhenUp(ben.page, 'From the beach');
    await expect.poll(() => shownPictures(ann.page)).toEqual(['garden.jpg', 'screenshot.png', 'beach.jpg']);
    expect(await message(ann.page, 'From the beach').count()).toBe(1);
    await ben.page.unroute('**/api/files?*');
  });

  it('the lightbox opens a picture full size and moves between the conversation’s pictures by keyboard and by swipe', async () => {
    const open = ann.page.getByRole('button', { name: 'Open picture garden.jpg' });
    await open.focus();
    await ann.page.keyboard.press('Enter');
    const box = ann.page.getByRole('dialog', { name: /^Picture 1 of 3: garden\.jpg$/ });
    await box.waitFor();
    await expect.poll(() => box.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1200);
    await settled(ann.page);
    await screenshot(ann.page, 'desktop-lightbox');
    expect(await seriousViolations(ann.page)).toEqual([]);

    await ann.page.keyboard.press('ArrowRight');
    await ann.page.getByRole('dialog', { name: /^Picture 2 of 3: screenshot\.png$/ }).waitFor();
    await ann.page.keyboard.press('ArrowRight');
    await ann.page.getByRole('dialog', { name: /^Picture 3 of 3: beach\.jpg$/ }).waitFor();
    await ann.page.keyboard.press('ArrowLeft');
    await ann.page.getByRole('dialog', { name: /^Picture 2 of 3/ }).waitFor();

    // A swipe to the left is the next picture, as on a phone.
    const stage = (await ann.page.locator('.lightbox .stage').boundingBox())!;
    await ann.page.mouse.move(stage.x + stage.width * 0.7, stage.y + stage.height / 2);
    await ann.page.mouse.down();
    await ann.page.mouse.move(stage.x + stage.width * 0.3, stage.y + stage.height / 2, { steps: 5 });
    await ann.page.mouse.up();
    await ann.page.getByRole('dialog', { name: /^Picture 3 of 3/ }).waitFor();

    await ann.page.keyboard.press('Escape');
    await expect.poll(() => ann.page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => ann.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Open picture garden.jpg');
  });

  it('a link gets a preview that the other person sees, and that its sender can remove for everyone', async () => {
    await composer(ann.page).fill(`Recipe: ${siteUrl}`);
    await composer(ann.page).press('Enter');
    const atBen = ben.page.getByRole('complementary', { name: 'Link preview: Sourdough, step by step' });
    await atBen.waitFor();
    expect(await atBen.textContent()).toContain('A starter, a loaf and a long weekend.');
    expect(await atBen.getByRole('link', { name: 'Sourdough, step by step' }).getAttribute('href')).toBe(siteUrl);
    // The page's picture, as the server's copy: served from the chat, not the other site.
    await expect.poll(() => atBen.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(480);
    expect(new URL((await atBen.locator('img').getAttribute('src'))!).pathname).toMatch(/^\/files\//);
    expect(await atBen.locator('img').getAttribute('src')).not.toContain(new URL(siteUrl).port);
    // Only the sender is offered to remove it.
    expect(await atBen.getByRole('button', { name: 'Remove the link preview' }).count()).toBe(0);
    await screenshot(ben.page, 'phone-link-preview');
    expect(await seriousViolations(ben.page)).toEqual([]);
    const atAnn = ann.page.getByRole('complementary', { name: 'Link preview: Sourdough, step by step' });
    await atAnn.getByRole('button', { name: 'Remove the link preview' }).click();
    await expect.poll(() => atBen.count()).toBe(0);
    await expect.poll(() => atAnn.count()).toBe(0);
  });

  it('the pictures and the tray pass axe at phone width, and the page made no errors', async () => {
    await ben.page.locator('input[type="file"][multiple]').setInputFiles({ name: 'later.jpg', mimeType: 'image/jpeg', buffer: await photo(640, 480, '#888') });
    await expect.poll(() => tray(ben.page).getByText('later.jpg').count()).toBe(1);
    expect(await seriousViolations(ben.page)).toEqual([]);
    await screenshot(ben.page, 'phone-files');
    expect([...ann.errors, ...ben.errors]).toEqual([]);
  });
});
