import { ErrorCode, type Message } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../src/index.js';
import { lobbyOf, TestChat, until } from './support/chat.js';

/** A 1×1 PNG: its bytes say PNG, whatever it is called. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start({ maxFileBytes: 1024 });
});
afterEach(async () => {
  await chat.destroy();
});

describe('files from the client', () => {
  it('sends a picture with a caption that another member receives, downloads once prepared, and sees as a thumbnail', async () => {
    const { client: alice } = await chat.connect('alice');
    const { client: bob } = await chat.connect('bob');
    const heard: Message[] = [];
    bob.on('message', ({ payload }) => heard.push(payload));

    const sent = await alice.sendFile(lobbyOf(alice), PNG, 'dot.png', 'a dot');
    expect(sent).toMatchObject({ content: 'a dot', attachments: [{ name: 'dot.png', size: PNG.length, type: 'image/png' }] });
    await until(() => heard.some((m) => m.id === sent.id));
    const file = heard.find((m) => m.id === sent.id)!.attachments![0]!;
    // The download waits while the server prepares the picture; what it serves is the picture without its metadata.
    const bytes = Buffer.from(await bob.downloadFile(file));
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const link = await bob.fileLink(file);
    expect(Buffer.from(await (await fetch(link.url)).arrayBuffer()).equals(bytes)).toBe(true);
    const thumbnail = await fetch(link.thumbnail_url!);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
  });

  it('uploads first and sends several files in one message', async () => {
    const { client: alice } = await chat.connect('alice');
    const first = await alice.uploadFile(PNG, 'one.png');
    const second = await alice.uploadFile(new Blob([Buffer.from('plain words')]), 'two.txt');
    const sent = await alice.sendMessage(lobbyOf(alice), '', { attachments: [first.id, second.id] });
    expect(sent.attachments?.map((f) => [f.name, f.type])).toEqual([
      ['one.png', 'image/png'],
      ['two.txt', 'application/octet-stream'],
    ]);
  });

  it('rejects a refused upload with the server’s code', async () => {
    const { client: alice } = await chat.connect('alice');
    const refusal = await alice.uploadFile(Buffer.alloc(2048), 'big.bin').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ChatError);
    expect((refusal as ChatError).code).toBe(ErrorCode.FileTooLarge);
  });
});
