import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lobbyOf, pause, TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('typing from the client', () => {
  it('tells the others at most once an interval, however often it is called', async () => {
    const { client: alice, user } = await chat.connect('alice');
    const { client: bob } = await chat.connect('bob');
    const heard: number[] = [];
    bob.on('user_typing', ({ payload }) => heard.push(payload.user_id));
    for (let i = 0; i < 20; i++) alice.typing(lobbyOf(alice));
    await until(() => heard.length === 1);
    await pause(200);
    expect(heard).toEqual([user.id]);
  });
});
