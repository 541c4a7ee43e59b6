import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloseCode } from '@hearth/protocol';
import type WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { Peer, redeem, settle } from '../support/harness.js';

const SERVE = fileURLToPath(new URL('./support/serve-with-options.mjs', import.meta.url));
const MAX_BUFFERED = 256 * 1024;
const FLOODERS = 2;
const MESSAGES_EACH = 2_500;
const CONTENT = 'x'.repeat(3_900);

const dir = mkdtempSync(join(tmpdir(), 'hearth-slow-'));
const options = {
  port: 0,
  host: '127.0.0.1',
  dbPath: join(dir, 'chat.db'),
  logLevel: 'silent',
  maxBufferedBytes: MAX_BUFFERED,
  requestsPerSecond: 100_000,
  requestBurst: 100_000,
  sendsPerSecondPerUser: 100_000,
  sendBurstPerUser: 100_000,
};
const child = spawn(process.execPath, ['--expose-gc', SERVE, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
afterAll(() => {
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const started = new Promise<[number, string]>((resolve) =>
  child.stdout!.on('data', (chunk: Buffer) => {
    const match = /listening (\d+) \S+\/join\/(\S+)/.exec(chunk.toString());
    if (match) resolve([Number(match[1]), match[2]!]);
  }),
);

/** Resident memory of the server process, in bytes. */
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024;

/** Bytes of Buffers the server still holds after a full garbage collection: queued frames live there. */
function retainedBuffers(): Promise<number> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      const match = /memory (\{.*\})/.exec(chunk.toString());
      if (match === null) return;
      child.stdout!.off('data', onData);
      resolve(JSON.parse(match[1]!).arrayBuffers);
    };
    child.stdout!.on('data', onData);
    child.stdin!.write('memory\n');
  });
}
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function invite(url: string, inviter: Peer, nickname: string): Promise<string> {
  const made = await inviter.request('create_invite', {});
  if (made.type !== 'invite_created') throw new Error(made.type);
  return (await redeem(url, made.payload.code, nickname)).body.token;
}

/**
 * A signed-in client that only counts what it hears: thousands of frames would make the recording Peer
 * quadratic.
 */
class Tally {
  messages = 0;
  acked = 0;
  closed: Promise<number>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { type: string; id?: string };
      if (event.type === 'message' && event.id !== undefined) this.acked += 1;
      else if (event.type === 'message') this.messages += 1;
      for (const w of [...this.waiters]) w();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static async signIn(wsUrl: string, token: string): Promise<Tally> {
    const peer = await Peer.signIn(wsUrl, token);
    peer.socket.removeAllListeners('message');
    return new Tally(peer.socket);
  }

  until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out at ${this.messages} messages, ${this.acked} acks`)), timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Sends lobby messages a window at a time, waiting for the window's acknowledgements. */
  async flood(name: string, lobbyId: number, from: number): Promise<void> {
    for (let start = from; start < from + MESSAGES_EACH; start += 100) {
      for (let n = start; n < start + 100; n++) {
        this.socket.send(JSON.stringify({ type: 'send_message', payload: { conversation_id: lobbyId, content: CONTENT, client_id: `${name}-${n}` }, id: `${n}` }));
      }
      await this.until(() => this.acked >= start + 100);
    }
  }
}

describe('a client that stops reading', () => {
  it('is dropped past the buffered-bytes limit while server memory stays bounded and everyone else gets every message', async () => {
    const [port, firstCode] = await started;
    const url = `http://127.0.0.1:${port}`;
    const wsUrl = `ws://127.0.0.1:${port}/ws`;
    const host = (await redeem(url, firstCode, 'host')).body.token as string;
    const hostPeer = await Peer.signIn(wsUrl, host);
    const lobbyId = hostPeer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const tokens = [];
    for (const name of ['slow', 'reader', 'flood0', 'flood1']) tokens.push(await invite(url, hostPeer, name));
    await hostPeer.close();

    const [slow, reader, ...flooders] = await Promise.all(tokens.map((t) => Tally.signIn(wsUrl, t)));
    const others = FLOODERS * MESSAGES_EACH - MESSAGES_EACH;
    // A first round with everyone reading grows the server to its working size, so the second measures only the slow client.
    await Promise.all(flooders.map((f, i) => f!.flood(`flood${i}`, lobbyId, 0)));
    await slow!.until(() => slow!.messages === FLOODERS * MESSAGES_EACH);
    (slow!.socket as unknown as { _socket: Socket })._socket.pause();
    await settle(200);
    const buffersBefore = await retainedBuffers();
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);

    await Promise.all(flooders.map((f, i) => f!.flood(`flood${i}`, lobbyId, MESSAGES_EACH)));
    clearInterval(sampler);
    const total = 2 * FLOODERS * MESSAGES_EACH;
    const owedBytes = FLOODERS * MESSAGES_EACH * CONTENT.length;
    await reader!.until(() => reader!.messages === total);
    for (const f of flooders) await f!.until(() => f!.acked === 2 * MESSAGES_EACH && f!.messages === 2 * others);
    // A dropped connection that does not answer the close handshake is cut off a second later, its buffers with it;
    // on a busy machine the cut comes later, so the server is asked again for a few seconds before this counts.
    await settle(1_200);
    let buffersAfter = await retainedBuffers();
    for (let tries = 0; tries < 10 && buffersAfter - buffersBefore >= owedBytes / 10; tries++) {
      await settle(500);
      buffersAfter = await retainedBuffers();
    }
    console.log(
      `slow consumer: ${total} messages; ${mib(owedBytes)} owed to the slow client after it stopped reading; ` +
        `server RSS ${mib(before)} → peak ${mib(peak)}; Buffers held ${mib(buffersBefore)} → ${mib(buffersAfter)}`,
    );
    // Were the slow client's queue unbounded, the server would still hold every byte it owed it.
    expect(buffersAfter - buffersBefore).toBeLessThan(owedBytes / 10);
    expect(peak - before).toBeLessThan(owedBytes);

    (slow!.socket as unknown as { _socket: Socket })._socket.resume();
    expect([CloseCode.SlowConsumer, 1006]).toContain(await slow!.closed);
    expect(slow!.messages).toBeLessThan(total);
    expect(reader!.socket.readyState).toBe(reader!.socket.OPEN);
    for (const t of [reader, ...flooders]) t!.socket.close();
  }, 60_000);
});
