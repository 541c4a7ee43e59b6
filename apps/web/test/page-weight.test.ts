import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConnected, launchBrowser, person } from './support/browser.js';
import { TestServer } from './support/server.js';

/** The same budget scripts/bundle-size.js holds the build to, here measured as the browser loads the page. */
const FIRST_LOAD_GZIP_BUDGET = 60_000;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

/**
 * Everything the page says went wrong: console errors, which is where Chromium reports a script its
 * Content-Security-Policy refused (`new Function`, `eval`), and the violation events themselves.
 */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.exposeFunction('reportViolation', (directive: string) => problems.push(`CSP violation: ${directive}`));
  await page.addInitScript(() => {
    const report = (window as unknown as { reportViolation: (directive: string) => void }).reportViolation;
    document.addEventListener('securitypolicyviolation', (event) => report(event.violatedDirective));
  });
  return problems;
}

describe('the page weight', () => {
  it('the invite page, and the chat it leads to, load without a console error or a CSP violation', async () => {
    const { context, page, errors } = await person(browser);
    const problems = await watch(page);

    await page.goto(server.url);
    await expect.poll(() => page.getByRole('heading', { name: 'You need an invite to join' }).isVisible()).toBe(true);
    await page.goto(await server.invite());
    await page.getByLabel('Nickname').fill('Light');
    await page.getByRole('button', { name: 'Join the chat' }).click();
    await expectConnected(page);
    await page.reload();
    await expectConnected(page);

    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a first visit loads at most 60 KB of gzipped JavaScript', async () => {
    const { context, page } = await person(browser);
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), response.body());
    });

    // Once the form shows, the app has run: whatever it needed to get there has been fetched.
    await page.goto(await server.invite());
    await page.getByLabel('Nickname').waitFor();

    const bodies = await Promise.all(scripts.values());
    const gzipped = bodies.reduce((total, body) => total + gzipSync(body).length, 0);
    expect(bodies.length).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(FIRST_LOAD_GZIP_BUDGET);
    await context.close();
  });
});
