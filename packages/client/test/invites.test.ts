import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInviteUrl, redeemInvite, wsUrlFor } from '../src/index.js';
import { TestChat } from './support/chat.js';

describe('invite links and URLs', () => {
  it('splits an invite link into the base URL and the code', () => {
    expect(parseInviteUrl('http://localhost:3000/join/AbC-12_x')).toEqual({ baseUrl: 'http://localhost:3000', code: 'AbC-12_x' });
    expect(parseInviteUrl('https://example.org/chat/join/abc')).toEqual({ baseUrl: 'https://example.org/chat', code: 'abc' });
  });

  it('finds no invite in other links', () => {
    for (const text of ['http://localhost:3000/', 'http://localhost:3000/join/', 'ftp://x/join/abc', 'join/abc', 'http://x/join/a/b']) {
      expect(parseInviteUrl(text), text).toBeNull();
    }
  });

  it('turns a base URL into the WebSocket URL', () => {
    expect(wsUrlFor('http://localhost:3000')).toBe('ws://localhost:3000/ws');
    expect(wsUrlFor('https://example.org/chat/')).toBe('wss://example.org/chat/ws');
    expect(() => wsUrlFor('localhost:3000')).toThrow(expect.objectContaining({ code: 'invalid_url' }));
  });
});

describe('redeemInvite', () => {
  let chat: TestChat;
  beforeAll(async () => {
    chat = await TestChat.start();
  });
  afterAll(async () => {
    await chat.destroy();
  });

  it('redeems an invite link for a user and a token that signs in', async () => {
    const { user, token } = await redeemInvite(await chat.server.createInvite(), 'alice');

    expect(user.nickname).toBe('alice');
    const client = chat.client(token);
    await client.connect();
    expect(client.session?.user).toEqual(user);
  });

  it('redeems a code against a base URL', async () => {
    const code = parseInviteUrl(await chat.server.createInvite())!.code;

    const { user } = await redeemInvite(`${chat.server.url}/`, 'bob', code);

    expect(user.nickname).toBe('bob');
  });

  it('rejects with the server code when the invite or the nickname is refused', async () => {
    const used = await chat.server.createInvite();
    await redeemInvite(used, 'carol');

    await expect(redeemInvite(used, 'dave')).rejects.toMatchObject({ code: 'invite_used' });
    await expect(redeemInvite(await chat.server.createInvite(), 'CAROL')).rejects.toMatchObject({ code: 'nickname_taken' });
    await expect(redeemInvite(await chat.server.createInvite(), ' ')).rejects.toMatchObject({ code: 'invalid_nickname' });
    await expect(redeemInvite(chat.server.url, 'erin', 'no-such-code')).rejects.toMatchObject({ code: 'invite_not_found' });
    await expect(redeemInvite('http://localhost:3000/', 'erin')).rejects.toMatchObject({ code: 'invalid_url' });
  });
});
