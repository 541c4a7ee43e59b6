import { once } from 'node:events';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { defaults } from '../../src/config.js';
import type { TestDatabase } from '../support/database.js';
import { Peer, settle, startTestServer, type TestServer } from '../support/harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
});

const MESSAGES = 3_000;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1]!;

/** The production limits on requests and reads, which the other tests lift. */
const PRODUCTION_LIMITS = {
  requestsPerSecond: defaults.requestsPerSecond,
  requestBurst: defaults.requestBurst,
  readsPerSecondPerUser: defaults.readsPerSecondPerUser,
  readBurstPerUser: defaults.readBurstPerUser,
};

/** A server with the production limits over a lobby of MESSAGES messages, each a change in the log. */
async function serverWithHistory(): Promise<{ alice: string; bob: string; lobbyId: number }> {
  const seeding = await startTestServer();
  const alice = await seeding.join('alice');
  const bob = await seeding.join('bob');
  await seeding.close();
  const [lobby] = await seeding.db.all<{ id: number }>("SELECT id FROM conversations WHERE type = 'lobby'");
  await seed(seeding.db, lobby!.id, alice.user.id);
  server = await startTestServer(PRODUCTION_LIMITS, seeding);
  return { alice: alice.token, bob: bob.token, lobbyId: lobby!.id };
}

async function seed(db: TestDatabase, lobbyId: number, userId: number): Promise<void> {
  await db.run(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${MESSAGES - 1})
     INSERT INTO messages (conversation_id, user_id, content, client_id, created_at) SELECT ?, ?, ?, 'seed-' || i, 1 FROM n`,
    [lobbyId, userId, 'a message of ordinary length, as people write them in a busy room '.repeat(3)],
  );
  await db.run("INSERT INTO changes (kind, conversation_id, subject_id, prev_seq, created_at) SELECT 'message', conversation_id, id, 0, 1 FROM messages WHERE client_id LIKE 'seed-%' ORDER BY id");
}

/**
 * The bystander reads a page of each kind first, so the figures are those of a server in service, not of its first
 * page (compiling, the database's cache filling); that costs the bystander, not the flooding user, its allowance.
 */
async function warmUp(bystander: Peer, lobbyId: number): Promise<void> {
  expect((await bystander.request('catch_up', { after: 0, limit: 500 })).type).toBe('caught_up');
  expect((await bystander.request('load_history', { conversation_id: lobbyId, limit: 100 })).type).toBe('history');
}

/** What answered a request, as far as these tests look. */
interface Answer {
  type: string;
  code?: string;
  retry_after_ms?: number;
}

/**
 * A flooding client that reads of each answer only its type and error: it validates no page, so the test's own
 * event loop, which the bystander's pings are timed on too, does not pay for the pages the flooders are sent.
 */
class Flooder {
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  private next = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const { id, type, payload } = JSON.parse(data.toString()) as { id?: string; type: string; payload: Answer };
      const answered = id === undefined ? undefined : this.waiting.get(id);
      if (answered === undefined) return;
      this.waiting.delete(id!);
      answered({ type, code: payload.code, retry_after_ms: payload.retry_after_ms });
    });
  }

  static async signIn(wsUrl: string, token: string): Promise<Flooder> {
    const socket = new WebSocket(wsUrl);
    await once(socket, 'open');
    const flooder = new Flooder(socket);
    expect((await flooder.request('auth', { token })).type).toBe('auth_ok');
    return flooder;
  }

  request(type: string, payload: unknown): Promise<Answer> {
    const id = `f${this.next++}`;
    const answer = new Promise<Answer>((resolve) => this.waiting.set(id, resolve));
    this.socket.send(JSON.stringify({ type, payload, id }));
    return answer;
  }

  /** Still served: a ping is answered, at once or once the wait its refusal names has passed. */
  async expectServed(): Promise<void> {
    const first = await this.request('ping', {});
    if (first.type === 'pong') return;
    expect(first.code).toBe('rate_limited');
    await settle(first.retry_after_ms!);
    expect((await this.request('ping', {})).type).toBe('pong');
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Sends each flooder's burst at once, then pings from the bystander, one ping after another, until every request
 * of the bursts is answered (and at least 20 times). Returns the pings' round trips and the bursts' answers.
 */
async function pingDuringBursts(bystander: Peer, bursts: Array<{ flooder: Flooder; type: string; payload: unknown; count: number }>) {
  const answers = bursts.map(({ flooder, type, payload, count }) =>
    Promise.all(Array.from({ length: count }, () => flooder.request(type, payload))),
  );
  let pending = answers.length;
  const all = Promise.all(answers.map((answer) => answer.finally(() => (pending -= 1))));
  const latencies: number[] = [];
  while (pending > 0 || latencies.length < 20) {
    const sent = performance.now();
    await bystander.request('ping', {});
    latencies.push(performance.now() - sent);
  }
  return { latencies, answers: (await all).flat() };
}

/** Every request was answered: a page, or a refusal that says when to ask again. */
function expectAnsweredOrRetryable(answers: Answer[], page: string): void {
  for (const answer of answers) {
    if (answer.type === page) continue;
    expect(answer).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(answer.retry_after_ms).toBeGreaterThan(0);
  }
  expect(answers.some((answer) => answer.type === page)).toBe(true);
}

describe('requests whose work grows with the size they ask for', () => {
  it('40 catch-ups of 500 in one burst from one connection keep a bystander’s ping under 50 ms, and each is answered', async () => {
    const { alice, bob, lobbyId } = await serverWithHistory();
    const flooder = await Flooder.signIn(server!.wsUrl, alice);
    const bystander = await Peer.signIn(server!.wsUrl, bob);
    await warmUp(bystander, lobbyId);
    const { latencies, answers } = await pingDuringBursts(bystander, [{ flooder, type: 'catch_up', payload: { after: 0, limit: 500 }, count: 40 }]);
    console.log(`1 connection, 40 catch_up of 500: bystander ping p99 ${p99(latencies).toFixed(1)} ms over ${latencies.length} pings`);
    expect(answers).toHaveLength(40);
    expectAnsweredOrRetryable(answers, 'caught_up');
    expect(p99(latencies)).toBeLessThan(50);
    await flooder.expectServed();
    flooder.close();
  }, 60_000);

  it('8 connections of one user sending such bursts share one allowance and keep a bystander’s ping under 50 ms', async () => {
    const { alice, bob, lobbyId } = await serverWithHistory();
    const flooders = await Promise.all(Array.from({ length: 8 }, () => Flooder.signIn(server!.wsUrl, alice)));
    const bystander = await Peer.signIn(server!.wsUrl, bob);
    await warmUp(bystander, lobbyId);
    const { latencies, answers } = await pingDuringBursts(
      bystander,
      flooders.map((flooder) => ({ flooder, type: 'catch_up', payload: { after: 0, limit: 500 }, count: 40 })),
    );
    const pages = answers.filter((answer) => answer.type === 'caught_up').length;
    console.log(`8 connections, 40 catch_up of 500 each: bystander ping p99 ${p99(latencies).toFixed(1)} ms over ${latencies.length} pings; ${pages} pages served`);
    expect(answers).toHaveLength(320);
    expectAnsweredOrRetryable(answers, 'caught_up');
    expect(p99(latencies)).toBeLessThan(50);
    for (const flooder of flooders) await flooder.expectServed();
    for (const flooder of flooders) flooder.close();
  }, 60_000);

  it('40 history pages of 100 in one burst keep a bystander’s ping under 50 ms, and each is answered', async () => {
    const { alice, bob, lobbyId } = await serverWithHistory();
    const flooder = await Flooder.signIn(server!.wsUrl, alice);
    const bystander = await Peer.signIn(server!.wsUrl, bob);
    await warmUp(bystander, lobbyId);
    const { latencies, answers } = await pingDuringBursts(bystander, [
      { flooder, type: 'load_history', payload: { conversation_id: lobbyId, limit: 100 }, count: 40 },
    ]);
    console.log(`1 connection, 40 load_history of 100: bystander ping p99 ${p99(latencies).toFixed(1)} ms over ${latencies.length} pings`);
    expect(answers).toHaveLength(40);
    expectAnsweredOrRetryable(answers, 'history');
    expect(p99(latencies)).toBeLessThan(50);
    await flooder.expectServed();
    flooder.close();
  }, 60_000);
});
