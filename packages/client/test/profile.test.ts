import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../src/index.js';
import { TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('changing the nickname from the client', () => {
  it('resolves with the renamed user, whom everyone hears of', async () => {
    const { client: alice, user } = await chat.connect('alice');
    const { client: bob } = await chat.connect('bob');
    const heard: string[] = [];
    bob.on('user_updated', ({ payload }) => heard.push(payload.user.nickname));
    expect(await alice.setNickname('Alicia')).toEqual({ id: user.id, nickname: 'Alicia', role: 'owner' });
    await until(() => heard.length === 1, 'bob to hear it');
    expect(heard).toEqual(['Alicia']);
    await expect(alice.setNickname('BOB')).rejects.toMatchObject({ code: 'nickname_taken' } satisfies Partial<ChatError>);
  });
});

describe('a status from the client', () => {
  it('resolves with the user and their status, which everyone hears of, and refuses one of two lines', async () => {
    const { client: alice, user } = await chat.connect('alice');
    const { client: bob } = await chat.connect('bob');
    const heard: (string | undefined)[] = [];
    bob.on('user_updated', ({ payload }) => heard.push(payload.user.status));
    expect(await alice.setStatus('Back at 3')).toMatchObject({ id: user.id, status: 'Back at 3' });
    await until(() => heard.length === 1, 'bob to hear it');
    expect(heard).toEqual(['Back at 3']);
    await expect(alice.setStatus('one\ntwo')).rejects.toMatchObject({ code: 'invalid_status' } satisfies Partial<ChatError>);
  });
});
