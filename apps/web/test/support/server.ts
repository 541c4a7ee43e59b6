import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type ServerOptions } from '@hearth/server';

/** The built web app, served by the real server as in production. */
export const WEB_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

// Tests join and send faster than people do; the limits have tests of their own in the server.
const TEST_OPTIONS: ServerOptions = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  webDir: WEB_DIR,
  requestsPerSecond: 10_000,
  requestBurst: 10_000,
  redeemsPerMinute: 10_000,
  redeemBurst: 10_000,
  sendsPerSecondPerUser: 10_000,
  sendBurstPerUser: 10_000,
  invitesPerMinutePerUser: 10_000,
  inviteBurstPerUser: 10_000,
  searchesPerSecondPerUser: 10_000,
  searchBurstPerUser: 10_000,
  writesPerSecondPerUser: 10_000,
  writeBurstPerUser: 10_000,
};

/** A real server over a temporary SQLite file that can be stopped and started again on the same port and file. */
export class TestServer {
  private running: RunningServer | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hearth-web-'));
  private port = 0;

  private constructor(private readonly options: ServerOptions) {}

  static async start(options: ServerOptions = {}): Promise<TestServer> {
    if (!existsSync(join(WEB_DIR, 'index.html'))) throw new Error('Build the web app first: npm run build -w @hearth/web');
    const server = new TestServer(options);
    await server.restart();
    return server;
  }

  get url(): string {
    return this.server.url;
  }

  get wsUrl(): string {
    return this.server.wsUrl;
  }

  /** A fresh invite link. */
  invite(): Promise<string> {
    return this.server.createInvite();
  }

  /** Starts the server again on the port and database it had. */
  async restart(): Promise<void> {
    this.running = await startServer({ ...TEST_OPTIONS, ...this.options, port: this.port, dbPath: join(this.dir, 'chat.db') });
    this.port = this.running.port;
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get server(): RunningServer {
    if (this.running === undefined) throw new Error('The server is stopped');
    return this.running;
  }
}
