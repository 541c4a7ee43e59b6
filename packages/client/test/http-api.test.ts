import { ErrorCode, type Message } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError, HttpApi } from '../src/index.js';
import { lobbyOf, TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('the HTTP API from the client package', () => {
  it('sends, reads, edits, reacts and deletes with a token alone, which others hear live', async () => {
    const { client: bob } = await chat.connect('bob');
    const heard: Message[] = [];
    bob.on('message', ({ payload }) => heard.push(payload));
    const { token } = await chat.join('alice');
    const api = new HttpApi({ url: chat.server.wsUrl, token });
    const lobby = lobbyOf(bob);

    expect((await api.conversations())[0]!.id).toBe(lobby);
    const sent = await api.send(lobby, 'from a script', { clientId: 'cron-1' });
    expect((await api.send(lobby, 'from a script', { clientId: 'cron-1' })).id).toBe(sent.id);
    await until(() => heard.some((m) => m.id === sent.id));
    expect((await api.history(lobby, { limit: 5 })).messages[0]!.id).toBe(sent.id);
    expect((await api.edit(sent.id, 'from a script, edited')).content).toBe('from a script, edited');
    expect((await api.react(sent.id, '👍')).reactions).toEqual([{ emoji: '👍', user_ids: [sent.user_id] }]);
    expect((await api.delete(sent.id)).deleted).toBe(true);
  });

  it('rejects a refusal with the server’s code', async () => {
    const { token } = await chat.join('alice');
    const refused = await new HttpApi({ url: chat.server.wsUrl, token }).send(999, 'nowhere').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChatError);
    expect((refused as ChatError).code).toBe(ErrorCode.ConversationNotFound);
    const unknown = await new HttpApi({ url: chat.server.wsUrl, token: 'not-a-token' }).conversations().catch((error: unknown) => error);
    expect((unknown as ChatError).code).toBe(ErrorCode.InvalidToken);
  });
});
