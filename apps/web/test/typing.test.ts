import { TYPING_SHOWN_MS } from '@hearth/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bot } from './support/bot.js';
import { composer, join, launchBrowser, person, screenshot, userIdOf } from './support/browser.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: Awaited<ReturnType<typeof bot>>;
let dana: Awaited<ReturnType<typeof bot>>;
const typists: number[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await join(ann.page, await server.invite(), 'Ann');
  [ben, dana] = [await bot(server, 'Ben'), await bot(server, 'Dana')];
  ben.client.on('user_typing', ({ payload }) => typists.push(payload.user_id));
});

afterAll(async () => {
  ben?.client.close();
  dana?.client.close();
  await browser?.close();
  await server?.destroy();
});

const line = () => ann.page.locator('.typing').textContent();

describe('typing', () => {
  it('shows who is typing, and clears when their message comes', async () => {
    dana.client.typing(dana.lobbyId);
    await expect.poll(line).toBe('Dana is typing…');
    ben.client.typing(ben.lobbyId);
    await expect.poll(line).toBe('Dana and Ben are typing…');
    await screenshot(ann.page, 'desktop-typing');
    await dana.client.sendMessage(dana.lobbyId, 'Here I am');
    await expect.poll(line).toBe('Ben is typing…');
  });

  it('clears by itself a few seconds after the last notice', async () => {
    await expect.poll(line, { timeout: TYPING_SHOWN_MS + 2_000 }).toBe('');
  });

  it('tells the others when this person types, without sending anything', async () => {
    typists.length = 0;
    const annId = await userIdOf(ann.page);
    await composer(ann.page).pressSequentially('Thinking about it');
    await expect.poll(() => typists.length).toBeGreaterThan(0);
    expect(new Set(typists)).toEqual(new Set([annId]));
    // Keys pressed for a second and a half make one notice, not one per key.
    expect(typists.length).toBeLessThanOrEqual(2);
    expect(ann.errors).toEqual([]);
  });
});
