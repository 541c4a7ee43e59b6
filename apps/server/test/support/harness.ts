import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServerEvent, type ChangeEvent, type Message, type ServerEvent, type ServerEventOf, type ServerEventType, type User } from '@hearth/protocol';
import WebSocket from 'ws';
import { startServer, type RunningServer, type ServerOptions } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { snapshotClientRefuses } from './snapshot-client.js';

export interface TestServer extends RunningServer {
  /** The SQLite file (unused on PostgreSQL). */
  dbPath: string;
  dir: string;
  /** Its database, to read and tamper with directly in either dialect. */
  db: TestDatabase;
  /** Redeems a fresh invite for a nickname. */
  join(nickname: string): Promise<{ user: User; token: string }>;
  /** Closes the server and removes its files and database. */
  destroy(): Promise<void>;
}

// Tests send in bursts far beyond a person's pace; the limits have tests of their own.
const TEST_DEFAULTS: ServerOptions = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  requestsPerSecond: 100_000,
  requestBurst: 100_000,
  redeemsPerMinute: 100_000,
  redeemBurst: 100_000,
  sendsPerSecondPerUser: 100_000,
  sendBurstPerUser: 100_000,
  invitesPerMinutePerUser: 100_000,
  inviteBurstPerUser: 100_000,
  searchesPerSecondPerUser: 100_000,
  searchBurstPerUser: 100_000,
  readsPerSecondPerUser: 100_000,
  readBurstPerUser: 100_000,
  writesPerSecondPerUser: 100_000,
  writeBurstPerUser: 100_000,
  pushSubscribesPerMinutePerUser: 100_000,
  pushSubscribeBurstPerUser: 100_000,
  uploadsPerMinutePerUser: 100_000,
  uploadBurstPerUser: 100_000,
};

/**
 * A real server on an ephemeral port over a database of its own: a temporary SQLite file, or with
 * HEARTH_TEST_DATABASE=postgres a new PostgreSQL database. `reuse` opens the files and database of a server closed
 * before.
 */
export async function startTestServer(options: ServerOptions = {}, reuse?: Pick<TestServer, 'dir' | 'db'>): Promise<TestServer> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'hearth-test-'));
  const db = reuse?.db ?? (await createTestDatabase(dir));
  const removeAll = async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  const server = await startServer({ ...TEST_DEFAULTS, ...db.options, webDir: join(dir, 'web'), files: join(dir, 'files'), ...options }).catch(async (error: unknown) => {
    await removeAll();
    throw error;
  });
  return {
    ...server,
    dbPath: db.options.dbPath,
    dir,
    db,
    async join(nickname) {
      const code = (await server.createInvite()).split('/join/')[1]!;
      const res = await redeem(server.url, code, nickname);
      if (res.status !== 201) throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { user: User; token: string };
    },
    async destroy() {
      try {
        await server.close();
      } finally {
        await removeAll();
      }
    },
  };
}

export async function redeem(baseUrl: string, code: string, nickname: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/api/invites/${encodeURIComponent(code)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ nickname }),
  });
  return { status: res.status, body: await res.json() };
}

/** A raw WebSocket peer that records every frame and lets a test wait for the one it expects. */
export class Peer {
  readonly events: ServerEvent[] = [];
  closeCode: number | null = null;
  private waiters: Array<() => void> = [];
  private nextId = 1;
  readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      // Every frame the server sends in these tests must be exactly the current protocol, and acceptable to a
      // client built on the protocol as published at version 2.
      const parsed = parseServerEvent(data.toString(), { strict: true });
      if (!parsed.ok) throw new Error(`server sent an invalid frame: ${parsed.error.message}: ${data.toString()}`);
      const refusal = snapshotClientRefuses(data.toString());
      if (refusal !== undefined) throw new Error(`a protocol 2 client would refuse: ${refusal}: ${data.toString()}`);
      this.events.push(parsed.event);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  static async open(wsUrl: string, headers: Record<string, string> = {}): Promise<Peer> {
    const socket = new WebSocket(wsUrl, { headers });
    const peer = new Peer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return peer;
  }

  /** Opens a connection and authenticates it. */
  static async signIn(wsUrl: string, token: string): Promise<Peer> {
    const peer = await Peer.open(wsUrl);
    await peer.request('auth', { token });
    return peer;
  }

  sendRaw(text: string | Buffer): void {
    this.socket.send(text);
  }

  send(type: string, payload: unknown, id?: string): void {
    this.sendRaw(JSON.stringify(id === undefined ? { type, payload } : { type, payload, id }));
  }

  /** Sends a request with a fresh id and resolves with the reply carrying that id. */
  async request(type: string, payload: unknown): Promise<ServerEvent> {
    const id = `r${this.nextId++}`;
    this.send(type, payload, id);
    return this.waitFor((e) => e.id === id);
  }

  /** The first recorded event (from `from` on) of a type, waiting for it if needed. */
  next<T extends ServerEventType>(type: T, match: (e: ServerEventOf<T>) => boolean = () => true): Promise<ServerEventOf<T>> {
    return this.waitFor((e) => e.type === type && match(e as ServerEventOf<T>)) as Promise<ServerEventOf<T>>;
  }

  waitFor(match: (e: ServerEvent) => boolean, timeoutMs = 15_000): Promise<ServerEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (found !== undefined) {
          this.waiters = this.waiters.filter((w) => w !== check);
          clearTimeout(timer);
          resolve(found);
          return;
        }
        if (this.closeCode !== null) {
          clearTimeout(timer);
          reject(new Error(`connection closed (${this.closeCode}) before the expected frame`));
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out; saw ${JSON.stringify(this.events.map((e) => e.type))}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Events of a type seen so far. */
  seen<T extends ServerEventType>(type: T): ServerEventOf<T>[] {
    return this.events.filter((e) => e.type === type) as ServerEventOf<T>[];
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Pages through catch_up from a cursor until has_more is false; returns every change and the cursor to keep. */
export async function catchUp(peer: Peer, after: number, limit?: number): Promise<{ changes: ChangeEvent[]; cursor: number; pages: number }> {
  const changes: ChangeEvent[] = [];
  for (let cursor = after, pages = 1; ; pages++) {
    const page = await peer.request('catch_up', limit === undefined ? { after: cursor } : { after: cursor, limit });
    if (page.type !== 'caught_up') throw new Error(`${page.type}: ${JSON.stringify(page.payload)}`);
    for (const change of page.payload.changes) {
      const parsed = parseServerEvent(JSON.stringify(change), { strict: true });
      if (!parsed.ok) throw new Error(`a change in caught_up is not a valid event: ${parsed.error.message}`);
      changes.push(parsed.event as ChangeEvent);
    }
    cursor = page.payload.cursor;
    if (!page.payload.has_more) return { changes, cursor, pages };
  }
}

/** The messages among changes, in order. */
export const messagesIn = (changes: readonly ChangeEvent[]): Message[] =>
  changes.flatMap((change) => (change.type === 'message' ? [change.payload] : []));

/** The seq of the newest change a peer has heard live (its replies included), or a fallback. */
export const newestSeq = (peer: Peer, fallback = 0): number =>
  Math.max(fallback, ...peer.events.map((e) => ('seq' in e && typeof e.seq === 'number' ? e.seq : 0)));

/** Lets frames in flight arrive before asserting that something did not happen. */
/** Asks `probe` again, a moment apart, until it gives something: for a state one cannot be told of, only see. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(25);
  }
}

export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
