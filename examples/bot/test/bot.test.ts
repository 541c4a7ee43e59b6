import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatClient, redeemInvite } from '@hearth/client';
import type { Message } from '@hearth/protocol';
import { startServer, type RunningServer } from '@hearth/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { answer, runBot } from '../src/bot.js';

describe('the dice bot', () => {
  let dir: string;
  let server: RunningServer;
  let bot: ChatClient;
  const clients: ChatClient[] = [];

  /** Joins someone new and connects them, recording what they hear. */
  async function person(nickname: string) {
    const { token } = await redeemInvite(await server.createInvite(), nickname);
    const client = new ChatClient({ url: server.wsUrl, token, WebSocket });
    clients.push(client);
    const heard: Message[] = [];
    client.on('message', ({ payload }) => heard.push(payload));
    await client.connect();
    const lobby = client.session!.conversations.find((c) => c.type === 'lobby')!.id;
    /** Resolves with the bot's next message in a conversation. */
    const botSays = (conversationId: number) =>
      waitFor(() => heard.find((m) => m.user_id === bot.session!.user.id && m.conversation_id === conversationId));
    return { client, lobby, heard, botSays };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-bot-'));
    server = await startServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', dbPath: join(dir, 'chat.db'), webDir: dir });
    const { token } = await redeemInvite(await server.createInvite(), 'dicebot');
    bot = new ChatClient({ url: server.wsUrl, token, WebSocket });
    runBot(bot);
    await bot.connect();
  });

  afterAll(async () => {
    for (const client of [...clients, bot]) client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers !ping with pong in the conversation it came from', async () => {
    const alice = await person('alice');
    const dm = await alice.client.createDm(bot.session!.user.id);

    await alice.client.sendMessage(dm.id, '!ping');

    expect((await alice.botSays(dm.id)).content).toBe('pong');
  });

  it('rolls the dice asked for in the lobby', async () => {
    const bob = await person('bob');
    const greeting = await bob.botSays(bob.lobby);
    bob.heard.length = 0;

    const rolled = new Promise<Message>((resolve) =>
      bob.client.on('message_updated', ({ payload }) => payload.message.reactions?.length && resolve(payload.message)),
    );
    const asked = await bob.client.sendMessage(bob.lobby, '!roll 2d6');

    const said = await bob.botSays(bob.lobby);
    const reply = said.content;
    expect(said.reply_to).toBe(asked.id);
    expect(await rolled).toMatchObject({ id: asked.id, reactions: [{ emoji: '🎲', user_ids: [bot.session!.user.id] }] });
    const [, a, b, total] = /^🎲 2d6: (\d) \+ (\d) = (\d+)$/u.exec(reply) ?? [];
    expect(greeting.content).toContain('bob');
    expect([a, b].map(Number).every((n) => n >= 1 && n <= 6)).toBe(true);
    expect(Number(total)).toBe(Number(a) + Number(b));
  });

  it('sends the rolls asked for with !sheet as a CSV file', async () => {
    const dave = await person('dave');
    const dm = await dave.client.createDm(bot.session!.user.id);

    await dave.client.sendMessage(dm.id, '!sheet 3d6');

    const said = await dave.botSays(dm.id);
    expect(said).toMatchObject({ content: '🎲 3d6: 3 rolls', attachments: [{ name: 'rolls.csv', type: 'application/octet-stream' }] });
    const csv = new TextDecoder().decode(await dave.client.downloadFile(said.attachments![0]!));
    expect(csv).toMatch(/^die,roll\n1,[1-6]\n2,[1-6]\n3,[1-6]\n$/);
  });

  it('says hello in the lobby when someone comes online', async () => {
    const carol = await person('carol');

    const greeting = await carol.botSays(carol.lobby);

    expect(greeting.content).toBe('Hello, carol! Say !roll 2d6 to roll some dice.');
  });

  it('explains the usage for dice it will not roll, and ignores other talk', () => {
    for (const spec of ['', 'd6', '0d6', '101d6', '2d1', '2d1001', '2x6', '2d6 extra']) {
      expect(answer(`!roll ${spec}`), spec).toMatch(/^Usage: !roll NdM/);
    }
    expect(answer('!roll 100d1000')).toMatch(/^🎲 100d1000: /);
    expect(answer('  !ping  ')).toBe('pong');
    expect(answer('ping')).toBeUndefined();
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let value = probe(); ; value = probe()) {
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the bot');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
