import { ErrorCode, SEARCH_QUERY_MAX_LENGTH } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../src/index.js';
import { lobbyOf, TestChat } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('searching from the client', () => {
  it('finds what the user may read, newest first, filtered and a page at a time', async () => {
    const { client: alice, user: aliceUser } = await chat.connect('alice');
    const { client: bob, user: bobUser } = await chat.connect('bob');
    const { client: carol } = await chat.connect('carol');
    const lobby = lobbyOf(alice);
    const dm = await alice.createDm(bobUser.id);

    const first = await alice.sendMessage(lobby, 'Lunch at the café?');
    const second = await bob.sendMessage(lobby, 'lunch sounds good');
    const secret = await alice.sendMessage(dm.id, 'lunch is on me');
    // The index reads new messages a moment after they are sent.
    await chat.server.consumersCaughtUp();

    expect((await bob.search('lunch')).messages.map((m) => m.id)).toEqual([secret.id, second.id, first.id]);
    expect((await carol.search('LUNCH')).messages.map((m) => m.id)).toEqual([second.id, first.id]);
    expect((await bob.search('lunch', { conversationId: lobby, userId: aliceUser.id })).messages).toEqual([first]);
    expect((await bob.search('cafe lun*')).messages).toEqual([first]);

    const page = await bob.search('lunch', { limit: 2 });
    expect(page).toMatchObject({ query: 'lunch', has_more: true });
    const next = await bob.search('lunch', { limit: 2, before: page.messages.at(-1)!.id });
    expect(next.messages.map((m) => m.id)).toEqual([first.id]);
    expect(next.has_more).toBe(false);
  });

  it('rejects a refused search with its code, checking the request itself before sending it', async () => {
    const { client: alice } = await chat.connect('alice');
    const { client: bob, user: bobUser } = await chat.connect('bob');
    const { client: carol } = await chat.connect('carol');
    const dm = await alice.createDm(bobUser.id);

    await expect(carol.search('anything', { conversationId: dm.id })).rejects.toMatchObject({ code: ErrorCode.ConversationNotFound });
    await expect(bob.search('?!')).rejects.toMatchObject({ code: ErrorCode.InvalidQuery });
    const tooLong = carol.search('x'.repeat(SEARCH_QUERY_MAX_LENGTH + 1));
    await expect(tooLong).rejects.toBeInstanceOf(ChatError);
    await expect(tooLong).rejects.toMatchObject({ code: ErrorCode.InvalidPayload });
    await expect(bob.search('ok', { limit: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidPayload });
  });
});
