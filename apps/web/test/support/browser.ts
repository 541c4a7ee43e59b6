import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);

/** Debian's Chromium, headless; `.ci/run` installs it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One person: their own browser context, so their own localStorage and connection. */
export async function person(
  browser: Browser,
  {
    viewport = DESKTOP,
    colorScheme = 'light',
    touch = false,
  }: { viewport?: typeof DESKTOP; colorScheme?: 'light' | 'dark'; /** A phone's touch screen, without hover. */ touch?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const context = await browser.newContext({ viewport, colorScheme, hasTouch: touch, isMobile: touch, timezoneId: 'UTC', locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  // Uncaught errors in the page fail the test that checks this list.
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  return { context, page, errors };
}

/** The signed-in user's id, as the page keeps it. */
export function userIdOf(page: Page): Promise<number> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('hearth.session') ?? 'null') as { user: { id: number } }).user.id);
}

/** Opens an invite link, picks a nickname and waits for the chat to be connected. */
export async function join(page: Page, inviteUrl: string, nickname: string): Promise<void> {
  await page.goto(inviteUrl);
  await page.getByLabel('Nickname').fill(nickname);
  await page.getByRole('button', { name: 'Join the chat' }).click();
  await expectConnected(page);
}

/** Waits for the connection state to read online; usable in hooks, where `expect.poll` is not. */
export async function expectConnected(page: Page): Promise<void> {
  await page.locator('[data-state="online"]').waitFor({ state: 'attached', timeout: 20_000 });
}

/** The composer of the open conversation. */
export function composer(page: Page) {
  return page.locator('#composer-input');
}

export async function say(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Messages shown in the open conversation. */
export function messages(page: Page, status?: 'sent' | 'pending' | 'failed') {
  const rows = page.locator('[role="log"] article');
  return status === undefined ? rows : rows.and(page.locator(`[data-status="${status}"]`));
}

export function message(page: Page, text: string) {
  return messages(page).filter({ has: page.locator('.text', { hasText: text }) });
}

/** Saves a screenshot for people to look at; the folder is not committed. */
/**
 * Waits until nothing on the page is moving: every transition and finite animation has finished (a spinner's endless
 * one is left turning), so a picture shows the page at rest however slow the machine.
 */
export async function settled(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
    undefined,
    { timeout },
  );
}

export async function screenshot(page: Page, name: string, { hovering = false } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Hover effects and the blinking caret would make the pictures differ from run to run, unless hover is the point.
  if (!hovering) await page.mouse.move(0, 0);
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, caret: 'hide', animations: 'disabled' });
}

/** A finger resting on a message as a phone's long press, told by pointer events: it lifts once the message's sheet is open. */
export async function longPress(row: Locator): Promise<void> {
  const box = (await row.boundingBox())!;
  const at = { pointerType: 'touch', isPrimary: true, clientX: box.x + 40, clientY: box.y + box.height / 2, bubbles: true };
  await row.dispatchEvent('pointerdown', at);
  await row.page().getByRole('dialog', { name: 'Message' }).waitFor({ timeout: 15_000 });
  await row.dispatchEvent('pointerup', at);
}
