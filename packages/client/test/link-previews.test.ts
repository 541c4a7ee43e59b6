import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lobbyOf, TestChat, until } from './support/chat.js';

let chat: TestChat;
let site: Server;
let url: string;

beforeEach(async () => {
  site = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>Kettle news</title>'));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  chat = await TestChat.start({ outboundAllowHosts: ['127.0.0.1'] });
});
afterEach(async () => {
  await chat.destroy();
  await new Promise((resolve) => site.close(resolve));
});

describe('link previews from the client', () => {
  it('hears a preview arrive on a sent message, and removes it with removePreview', async () => {
    const { client: alice } = await chat.connect('alice');
    const updated: Message[] = [];
    alice.on('message_updated', ({ payload }) => updated.push(payload.message));
    const sent = await alice.sendMessage(lobbyOf(alice), `news at ${url}`);
    await until(() => updated.some((m) => m.id === sent.id && m.preview !== undefined));
    expect(updated.find((m) => m.id === sent.id)!.preview).toEqual({ url, title: 'Kettle news', site: '127.0.0.1' });
    const removed = await alice.removePreview(sent.id);
    expect(removed.preview).toBeUndefined();
  });
});
