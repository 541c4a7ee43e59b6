import type { ChatClient } from '@hearth/client';
import { MAX_CONTENT_LENGTH } from '@hearth/protocol';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, expectConnected, join, launchBrowser, message, messages, person, say } from './support/browser.js';
import { bot } from './support/bot.js';
import { TestServer } from './support/server.js';

let server: TestServer;
let browser: Browser;
let ann: Awaited<ReturnType<typeof person>>;
let ben: { client: ChatClient; lobbyId: number };
/** Every lobby message Ben's program received, by content, counted. */
const received = new Map<string, number>();

beforeAll(async () => {
  [server, browser] = await Promise.all([TestServer.start(), launchBrowser()]);
  ann = await person(browser);
  await ann.context.routeWebSocket(/\/ws$/, (socket) => {
    if (link.down) return socket.close();
    socket.connectToServer();
    link.open.add(socket);
  });
  await join(ann.page, await server.invite(), 'Ann');
  ben = await bot(server, 'Ben');
  ben.client.on('message', ({ payload }) => received.set(payload.content, (received.get(payload.content) ?? 0) + 1));
});

afterAll(async () => {
  ben?.client.close();
  await browser?.close();
  await server?.destroy();
});

/** Ann's chat socket alone can be cut, while the page itself still loads. */
const link = {
  down: false,
  open: new Set<WebSocketRoute>(),
  cut() {
    this.down = true;
    for (const socket of this.open) socket.close();
    this.open.clear();
  },
};

/** Everything the page keeps of what its person wrote, as stored. */
const kept = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((key) => /^hearth\.(sends|drafts)\./.test(key)).map((key) => localStorage.getItem(key)).join('\n'));

const state = (page: Page) => page.locator('[data-state]').getAttribute('data-state');

describe('what was typed survives a reload', () => {
  it('a pending send and a draft come back after a reload and the send is delivered once', async () => {
    link.cut();
    await expect.poll(() => state(ann.page)).toBe('reconnecting');
    await say(ann.page, 'Written before the reload');
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(1);
    await composer(ann.page).fill('A thought not yet sent');

    await ann.page.reload();
    // Until the server answers, the page knows no conversations to show them in; the browser holds them.
    expect(await kept(ann.page)).toContain('Written before the reload');
    expect(await kept(ann.page)).toContain('A thought not yet sent');

    link.down = false;
    await expect.poll(() => state(ann.page), { timeout: 30_000 }).toBe('online');
    await expect.poll(() => received.get('Written before the reload'), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(0);
    expect(await message(ann.page, 'Written before the reload').count()).toBe(1);
    expect(await composer(ann.page).inputValue()).toBe('A thought not yet sent');

    // Once stored it is forgotten by the browser: another reload sends nothing again.
    await ann.page.reload();
    await expectConnected(ann.page);
    // History arrives after the sign-in.
    await expect.poll(() => message(ann.page, 'Written before the reload').count()).toBe(1);
    expect(await composer(ann.page).inputValue()).toBe('A thought not yet sent');
    // Online with nothing waiting and nothing kept to send: the reloaded page had nothing of it left to send again.
    await expect.poll(() => messages(ann.page, 'pending').count()).toBe(0);
    expect(await kept(ann.page)).not.toContain('Written before the reload');
    expect(received.get('Written before the reload')).toBe(1);
    expect(ann.errors).toEqual([]);
  });

  it('a draft is cleared once sent, and a refused send stays shown as failed after a reload', async () => {
    await say(ann.page, 'A thought not yet sent');
    await expect.poll(() => received.get('A thought not yet sent')).toBe(1);
    await ann.page.reload();
    await expectConnected(ann.page);
    expect(await composer(ann.page).inputValue()).toBe('');

    // Too long to send: refused before it leaves, and kept as refused so the person can still copy or discard it.
    await ann.page.evaluate((content) => {
      const { user } = JSON.parse(localStorage.getItem('hearth.session') ?? '{}') as { user: { id: number } };
      const send = { client_id: 'too-long-1', conversation_id: Number(localStorage.getItem('hearth.conversation')), content };
      localStorage.setItem(`hearth.sends.${user.id}`, JSON.stringify({ [send.client_id]: send }));
    }, 'x'.repeat(MAX_CONTENT_LENGTH + 1));
    await ann.page.reload();
    await expect.poll(() => messages(ann.page, 'failed').count()).toBe(1);
    await ann.page.reload();
    await expect.poll(() => messages(ann.page, 'failed').count()).toBe(1);
    expect(await messages(ann.page, 'pending').count()).toBe(0);

    await ann.page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => messages(ann.page, 'failed').count()).toBe(0);
    await ann.page.reload();
    await expectConnected(ann.page);
    expect(await messages(ann.page, 'failed').count()).toBe(0);
  });
});

describe('signing in with what the browser kept', () => {
  for (const [what, token] of [
    ['an empty token', ''],
    ['an over-long token', 'x'.repeat(300)],
    ['a token the server refuses', 'not-a-token-of-this-server'],
  ] as const) {
    it(`${what} leads to a page that says so, never an endless spinner`, async () => {
      const { page } = await person(browser);
      await page.goto(server.url);
      await page.evaluate((token) => {
        localStorage.setItem('hearth.session', JSON.stringify({ token, user: { id: 1, nickname: 'Ann' } }));
      }, token);
      await page.reload();
      await expect.poll(() => page.getByText('sign-in is no longer valid').count(), { timeout: 10_000 }).toBe(1);
      expect(await page.getByRole('heading', { name: 'You need an invite to join' }).count()).toBe(1);
      expect(await page.evaluate(() => localStorage.getItem('hearth.session'))).toBeNull();
      await page.context().close();
    });
  }

  it('shows the nickname the server knows, not the one the browser kept', async () => {
    await ann.page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('hearth.session') ?? '{}') as { user: { nickname: string } };
      session.user.nickname = 'Impostor';
      localStorage.setItem('hearth.session', JSON.stringify(session));
    });
    await ann.page.reload();
    await expectConnected(ann.page);
    await expect.poll(() => ann.page.locator('footer').textContent()).toContain('Ann');
    expect(await ann.page.locator('footer').textContent()).not.toContain('Impostor');
    const kept = await ann.page.evaluate(() => localStorage.getItem('hearth.session'));
    expect(kept).toContain('"nickname":"Ann"');
  });
});
