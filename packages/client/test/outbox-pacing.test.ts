import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lobbyOf, TestChat } from './support/chat.js';

// A tight limit, as a busy bot meets it: a burst of 5, then 50 requests a second.
let chat: TestChat;
beforeAll(async () => {
  chat = await TestChat.start({ requestsPerSecond: 50, requestBurst: 5, floodLimit: 10 });
});
afterAll(() => chat.destroy());

describe('a backlog of sends beyond the rate limit', () => {
  it('is stored in full, once each and in the order written, without the connection being closed for flooding', async () => {
    const { client: bot } = await chat.connect('bot');
    const lobby = lobbyOf(bot);
    const states: string[] = [];
    bot.onStateChange((state) => states.push(state));

    const lines = Array.from({ length: 40 }, (_, n) => `line ${n}`);
    const stored = await Promise.all(lines.map((line) => bot.sendMessage(lobby, line)));

    expect(stored.map((m) => m.content)).toEqual(lines);
    const ids = stored.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const { client: reader } = await chat.connect('reader');
    const history = await reader.loadHistory(lobby, { limit: 50 });
    expect(history.messages.map((m) => m.content)).toEqual(lines);
    expect(states).toEqual([]);
    expect(bot.pending).toEqual([]);
  });
});
