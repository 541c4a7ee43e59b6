import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { DESKTOP, join, launchBrowser, message, person, PHONE, screenshot } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let olga: Awaited<ReturnType<typeof person>>;
let lobbyId: number;

/** The Administration dialog on its Bots tab. */
async function botsTab(page: Page) {
  await page.getByRole('button', { name: 'Administration' }).click();
  const dialog = page.getByRole('dialog', { name: 'Administration' });
  await dialog.getByRole('tab', { name: 'Bots' }).click();
  return dialog;
}

/** What a script with the key does: post to the lobby over the HTTP API. */
async function postAs(key: string, content: string): Promise<number> {
  const response = await fetch(`${server.url}/api/conversations/${lobbyId}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ content }),
  });
  return response.status;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  olga = await person(browser);
  await join(olga.page, await server.invite(), 'Olga');
  const listed = await fetch(`${server.url}/api/conversations`, {
    headers: { Authorization: `Bearer ${await olga.page.evaluate(() => (JSON.parse(localStorage.getItem('hearth.session')!) as { token: string }).token)}` },
  });
  lobbyId = ((await listed.json()) as { conversations: { id: number }[] }).conversations[0]!.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe('bots in Administration', () => {
  it('an admin makes a bot whose key, shown once, posts in the lobby; a new key stops the old; deleting stops it', async () => {
    const dialog = await botsTab(olga.page);
    expect(await dialog.getByText('No bots yet.').count()).toBe(1);
    await dialog.getByLabel('Name of a new bot').fill('Deploybot');
    await dialog.getByRole('button', { name: 'Make bot' }).click();
    const field = dialog.getByLabel(/^Key for Deploybot/);
    await expect.poll(async () => (await field.inputValue()).length).toBeGreaterThan(20);
    const key = await field.inputValue();
    await screenshot(olga.page, 'desktop-admin-bots');
    expect(await seriousViolations(olga.page)).toEqual([]);
    await olga.page.setViewportSize(PHONE);
    await screenshot(olga.page, 'phone-admin-bots');
    expect(await seriousViolations(olga.page)).toEqual([]);
    await olga.page.setViewportSize(DESKTOP);

    expect(await postAs(key, 'v1.4 is live')).toBe(201);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => message(olga.page, 'v1.4 is live').count()).toBe(1);
    expect(await message(olga.page, 'v1.4 is live').locator('.author').textContent()).toBe('Deploybot');

    const again = await botsTab(olga.page);
    // A webhook into the lobby: its URL, shown once, posts as the bot.
    await again.getByRole('button', { name: 'Webhook for Deploybot' }).click();
    await again.getByLabel('Posts in').selectOption({ label: 'Lobby' });
    await again.getByRole('button', { name: 'Make webhook' }).click();
    const hookField = again.getByLabel(/^Webhook URL for Deploybot in Lobby/);
    await expect.poll(async () => (await hookField.inputValue()).includes('/api/hooks/')).toBe(true);
    const hook = await hookField.inputValue();
    await screenshot(olga.page, 'desktop-admin-webhook');
    const delivered = await fetch(hook, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'Nightly backup done' }) });
    expect(delivered.status).toBe(201);
    await again.getByRole('button', { name: 'Delete the webhook of Deploybot into Lobby' }).click();
    await expect.poll(() => again.getByText('Webhook into Lobby').count()).toBe(0);
    expect((await fetch(hook, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"gone?"}' })).status).toBe(404);

    // Where it is told of mentions: a URL the server would never send to is refused, saying why.
    await again.getByRole('button', { name: 'Endpoint of Deploybot' }).click();
    await again.getByLabel('Told of mentions and DMs at').fill('https://10.0.0.1/hook');
    await again.getByRole('button', { name: 'Set endpoint' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('must be https, public');

    await again.getByRole('button', { name: 'New key for Deploybot' }).click();
    await expect.poll(async () => (await again.getByLabel(/^Key for Deploybot/).inputValue()) !== key).toBe(true);
    const newKey = await again.getByLabel(/^Key for Deploybot/).inputValue();
    expect(await postAs(key, 'old key')).toBe(401);
    expect(await postAs(newKey, 'new key')).toBe(201);

    await again.getByRole('button', { name: 'Delete Deploybot' }).click();
    await olga.page.getByRole('dialog', { name: 'Delete Deploybot?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => again.getByRole('list', { name: 'Bots' }).locator('li[data-user="Deploybot"]').textContent()).toContain('Deleted');
    expect(await postAs(newKey, 'after delete')).toBe(401);
  });
});
