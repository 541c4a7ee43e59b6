import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, User } from '@hearth/protocol';
import { startServer, type RunningServer, type ServerOptions } from '@hearth/server';
import WebSocket from 'ws';
import { ChatClient, redeemInvite, type ChatClientOptions } from '../../src/index.js';

// Tests join people and send in bursts far beyond a person's pace; the server's limits have tests of their own.
const SERVER_OPTIONS: ServerOptions = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  requestsPerSecond: 100_000,
  requestBurst: 100_000,
  sendsPerSecondPerUser: 100_000,
  sendBurstPerUser: 100_000,
  invitesPerMinutePerUser: 100_000,
  inviteBurstPerUser: 100_000,
  redeemsPerMinute: 100_000,
  redeemBurst: 100_000,
};

/** Short delays so that reconnecting takes milliseconds, not seconds. */
const CLIENT_OPTIONS: Partial<ChatClientOptions> = { reconnect: { minDelayMs: 20, maxDelayMs: 100 } };

/** A real server over a SQLite file in a temporary directory, and the clients talking to it. */
export class TestChat {
  private readonly clients: ChatClient[] = [];
  private running: RunningServer | undefined;
  /** 0 until the first start picks a free port; every restart reuses it. */
  private port = 0;

  private constructor(
    readonly dir: string,
    readonly dbPath: string,
    private readonly options: ServerOptions,
  ) {}

  static async start(options: ServerOptions = {}): Promise<TestChat> {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-client-'));
    const chat = new TestChat(dir, join(dir, 'chat.db'), { ...SERVER_OPTIONS, ...options });
    await chat.restart();
    return chat;
  }

  get server(): RunningServer {
    if (this.running === undefined) throw new Error('the server is stopped');
    return this.running;
  }

  /** Starts the server, again on the same port and database file if it ran before. */
  async restart(): Promise<void> {
    await this.stop();
    this.running = await startServer({ ...this.options, port: this.port, dbPath: this.dbPath, webDir: join(this.dir, 'web') });
    this.port = this.running.port;
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  /** Redeems a fresh invite. */
  async join(nickname: string): Promise<{ user: User; token: string }> {
    return redeemInvite(await this.server.createInvite(), nickname);
  }

  /** A client of this server over `ws`, closed when the test ends. */
  client(token: string, options: Partial<ChatClientOptions> = {}): ChatClient {
    const client = new ChatClient({ url: this.server.wsUrl, token, WebSocket, ...CLIENT_OPTIONS, ...options });
    this.clients.push(client);
    return client;
  }

  /** Joins a new user and connects a client for them. */
  async connect(nickname: string, options: Partial<ChatClientOptions> = {}): Promise<{ client: ChatClient; user: User }> {
    const { user, token } = await this.join(nickname);
    const client = this.client(token, options);
    await client.connect();
    return { client, user };
  }

  async destroy(): Promise<void> {
    for (const client of this.clients) client.close();
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The lobby's id, from the session of a signed-in client. */
export function lobbyOf(client: ChatClient): number {
  const lobby = client.session?.conversations.find((c) => c.type === 'lobby');
  if (lobby === undefined) throw new Error('not signed in');
  return lobby.id;
}

// The waiting helpers live apart so that tests against a stub server need not load the real one.
export { pause, until } from './wait.js';

/** Alice, signed in through a flaky network at `url`, recording every message delivered to her. */
export async function aliceBehind(chat: TestChat, url: string) {
  const { token } = await chat.join('alice');
  const alice = chat.client(token, { url });
  const received: Message[] = [];
  alice.on('message', (event) => received.push(event.payload));
  await alice.connect();
  return { alice, received, lobby: lobbyOf(alice) };
}
