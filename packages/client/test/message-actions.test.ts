import { ErrorCode, type Message } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../src/index.js';
import { lobbyOf, TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('acting on messages from the client', () => {
  it('edits, reacts, replies and deletes, and the other side hears each as the message now is', async () => {
    const { client: alice } = await chat.connect('alice');
    const { client: bob, user: bobUser } = await chat.connect('bob');
    const updates: Message[] = [];
    bob.on('message_updated', ({ payload }) => updates.push(payload.message));
    const lobby = lobbyOf(alice);

    const sent = await alice.sendMessage(lobby, 'helo');
    const edited = await alice.editMessage(sent.id, 'hello');
    expect(edited).toMatchObject({ id: sent.id, content: 'hello' });
    const reacted = await bob.react(sent.id, '👋');
    expect(reacted.reactions).toEqual([{ emoji: '👋', user_ids: [bobUser.id] }]);
    const answer = await bob.reply(sent, 'hi!');
    expect(answer).toMatchObject({ reply_to: sent.id, quote: { excerpt: 'hello' } });
    expect(await bob.unreact(sent.id, '👋')).not.toHaveProperty('reactions');
    const deleted = await alice.deleteMessage(sent.id);
    expect(deleted).toMatchObject({ content: '', deleted: true });

    await until(() => updates.length === 4);
    expect(updates.map((m) => m.content)).toEqual(['hello', 'hello', 'hello', '']);
    expect(updates.at(-1)).toEqual(deleted);
  });

  it('rejects a refused action with the server’s code', async () => {
    const { client: alice } = await chat.connect('alice');
    const { client: bob } = await chat.connect('bob');
    const sent = await alice.sendMessage(lobbyOf(alice), 'mine');
    await expect(bob.editMessage(sent.id, 'yours')).rejects.toMatchObject({ code: ErrorCode.NotYourMessage });
    await expect(bob.react(sent.id, 'ok')).rejects.toBeInstanceOf(ChatError);
    await expect(bob.react(sent.id, 'ok')).rejects.toMatchObject({ code: ErrorCode.InvalidEmoji });
  });

  it('loads the page around a message', async () => {
    const { client: alice } = await chat.connect('alice');
    const lobby = lobbyOf(alice);
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await alice.sendMessage(lobby, `n${i}`)).id);
    const page = await alice.loadHistory(lobby, { around: ids[3], limit: 3 });
    expect(page.messages.map((m) => m.id)).toEqual(ids.slice(2, 5));
    expect(page).toMatchObject({ has_more: true, has_newer: true });
  });
});
