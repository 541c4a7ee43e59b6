import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeEvent, Message, ServerEvent, User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { catchUp, Peer, settle } from '../support/harness.js';
import { joinAll, removeCluster, startMember, testBusUrl, type Joined, type Member } from './support.js';

// Three server processes, as an operator runs them behind a load balancer: the built server, on one fresh
// PostgreSQL database and one Redis (names of this run's own), clients spread over them.

const HEARTBEAT_MS = 1_000;
const NEWS_MS = 100;
const dir = mkdtempSync(join(tmpdir(), 'hearth-cluster-'));
const busUrl = testBusUrl();
let db: TestDatabase;
let members: Member[] = [];
let users: Joined[] = [];
let lobbyId: number;

beforeAll(async () => {
  db = await createPostgresDatabase(dir);
  const extra = ['--heartbeat-ms', String(HEARTBEAT_MS), '--presence-news-ms', String(NEWS_MS)];
  // The first alone, so one process makes the first invite; then the other two together.
  const first = await startMember(db, busUrl, extra);
  members = [first, ...(await Promise.all([startMember(db, busUrl, extra), startMember(db, busUrl, extra)]))];
  ({ users, lobbyId } = await joinAll(first, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5']));
}, 60_000);

afterAll(async () => {
  for (const member of members) if (member.proc.child.exitCode === null && member.proc.child.signalCode === null) member.proc.child.kill('SIGTERM');
  await Promise.all(members.map((member) => Promise.race([member.proc.exited, settle(5_000)])));
  await removeCluster(db, busUrl, dir);
});

/** One client of one user: its connections one after another, what it sent and what it heard. */
class Tab {
  readonly peers: Peer[] = [];
  /** Changes from catch-up pages after a reconnection. */
  readonly caughtUp: ChangeEvent[] = [];
  readonly sends = new Map<string, { conversation_id: number; content: string; client_id: string }>();
  /** The cursor of its first sign-in: every message after it is one this tab must get. */
  start = 0;
  private n = 0;

  constructor(
    readonly name: string,
    readonly user: User,
    readonly token: string,
    public conversations: number[],
  ) {}

  get peer(): Peer {
    return this.peers.at(-1)!;
  }

  async connect(member: Member): Promise<void> {
    const peer = await Peer.signIn(member.wsUrl, this.token);
    if (this.peers.length === 0) this.start = peer.seen('auth_ok')[0]!.payload.cursor ?? 0;
    this.peers.push(peer);
  }

  send(content = `${this.name} #${this.n}`): void {
    const client_id = `${this.name}-${this.n++}`;
    const send = { conversation_id: this.conversations[this.n % this.conversations.length]!, content, client_id };
    this.sends.set(client_id, send);
    this.peer.send('send_message', send, client_id);
  }

  /** Replies to sends, by client id: the message stored, or the error. */
  replies(): Map<string, { type: string; message?: Message }> {
    const found = new Map<string, { type: string; message?: Message }>();
    for (const peer of this.peers) {
      for (const event of peer.events) {
        if (event.id === undefined || !this.sends.has(event.id)) continue;
        found.set(event.id, event.type === 'message' ? { type: 'message', message: event.payload } : { type: event.type });
      }
    }
    return found;
  }

  acked(): Message[] {
    return [...this.replies().values()].flatMap((r) => (r.message === undefined ? [] : [r.message]));
  }

  /** Every change heard live, connection after connection, then what catch-up brought. */
  changes(): ChangeEvent[] {
    const live = this.peers.flatMap((peer) => peer.events.filter((e): e is ChangeEvent & { seq: number } => 'seq' in e && typeof e.seq === 'number'));
    return [...live, ...this.caughtUp];
  }

  highest(): number {
    return Math.max(this.start, ...this.changes().map((c) => c.seq ?? 0));
  }

  /** Resolves once every send has its reply. */
  async allAnswered(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.replies().size < this.sends.size) {
      if (Date.now() > until) throw new Error(`${this.name}: ${this.sends.size - this.replies().size} sends unanswered`);
      await settle(50);
    }
  }
}

interface StoredMessage {
  id: number;
  conversation_id: number;
  user_id: number;
  client_id: string;
  seq: number;
}

const stored = () =>
  db.all<StoredMessage>(`SELECT m.id, m.conversation_id, m.user_id, m.client_id, c.seq FROM messages m
    JOIN changes c ON c.kind = 'message' AND c.subject_id = m.id ORDER BY m.id`);

/** Every acknowledged message is stored once, under the id it was acknowledged with. */
function expectAckedStoredOnce(tabs: Tab[], rows: StoredMessage[]): void {
  for (const tab of tabs) {
    for (const message of tab.acked()) {
      const copies = rows.filter((row) => row.user_id === message.user_id && row.client_id === message.client_id);
      expect(copies.map((row) => row.id)).toEqual([message.id]);
    }
  }
}

/**
 * A tab heard each message of its conversations after its start exactly once. Across a reconnection a change may
 * come both live and in a catch-up page, and a client keeps it once by its seq (API_CONTRACT.md, "Detecting and
 * repairing gaps"); a tab that never reconnected must have heard each change once, in seq order, with nothing to drop.
 */
function expectEachMessageOnce(tab: Tab, rows: StoredMessage[], memberOf: (conversationId: number) => boolean): void {
  const changes = tab.changes();
  if (tab.peers.length === 1) {
    const seqs = changes.map((c) => c.seq!);
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!), `${tab.name} heard changes out of order`).toBe(true);
  }
  const bySeq = new Map(changes.map((c) => [c.seq!, c]));
  const heard = [...bySeq.values()].flatMap((c) => (c.type === 'message' ? [c.payload.id] : []));
  const expected = rows.filter((row) => row.seq > tab.start && memberOf(row.conversation_id)).map((row) => row.id);
  expect(heard.length, `${tab.name} heard a message under two seqs`).toBe(new Set(heard).size);
  expect(new Set(heard), `${tab.name}`).toEqual(new Set(expected));
}

describe('three processes behind one address', () => {
  it('deliver what they commit concurrently to every client exactly once, skipping seqs rolled back', async () => {
    const tabs = users.map((u, i) => new Tab(`c${i}`, u.user, u.token, [lobbyId]));
    await Promise.all(tabs.map((tab, i) => tab.connect(members[i % 3]!)));
    // A message the database refuses fails its whole transaction, after the seqs of those before it were taken.
    const lift = await db.refuseMessages('boom', 'transaction');
    try {
      for (let round = 0; round < 12; round++) {
        for (const tab of tabs) for (let k = 0; k < 4; k++) tab.send();
        // One frame read together, one transaction: a seq taken, then rolled back with it.
        if (round % 4 === 1) {
          tabs[round % tabs.length]!.send();
          tabs[round % tabs.length]!.send('boom');
        }
        await settle(15);
      }
      await Promise.all(tabs.map((tab) => tab.allAnswered()));
    } finally {
      await lift();
    }
    await settle(500);

    const rows = await stored();
    expectAckedStoredOnce(tabs, rows);
    const logged = (await db.all<{ seq: number }>('SELECT seq FROM changes ORDER BY seq')).map((row) => row.seq);
    const start = Math.min(...tabs.map((tab) => tab.start));
    console.log(`concurrent commits: ${rows.length} messages, seqs ${start + 1}..${logged.at(-1)} with ${logged.at(-1)! - start - logged.filter((s) => s > start).length} rolled back`);
    for (const tab of tabs) {
      // Everything here is in the lobby: every client hears every change after its start, in order, once.
      expect(tab.changes().map((c) => c.seq)).toEqual(logged.filter((seq) => seq > tab.start));
      expectEachMessageOnce(tab, rows, () => true);
    }
    await Promise.all(tabs.map((tab) => tab.peer.close()));
  }, 40_000);

  it('lose no acknowledged message when one is killed mid-traffic: its clients move, catch up, and show offline then online', async () => {
    const [p0, p1, p2] = members as [Member, Member, Member];
    const [u0, u1, u2, u3, u4, u5] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const tabs = {
      u0: new Tab('u0', u0.user, u0.token, [lobbyId]),
      u0b: new Tab('u0b', u0.user, u0.token, [lobbyId]),
      u1: new Tab('u1', u1.user, u1.token, [lobbyId]),
      u2: new Tab('u2', u2.user, u2.token, [lobbyId]),
      u3: new Tab('u3', u3.user, u3.token, [lobbyId]),
      u4: new Tab('u4', u4.user, u4.token, [lobbyId]),
      u5: new Tab('u5', u5.user, u5.token, [lobbyId]),
    };
    const where: Array<[Tab, Member]> = [
      [tabs.u0, p0],
      [tabs.u3, p0],
      [tabs.u0b, p1],
      [tabs.u1, p1],
      [tabs.u4, p1],
      [tabs.u2, p2],
      [tabs.u5, p2],
    ];
    for (const [tab, member] of where) await tab.connect(member);
    // A DM between processes 2 and 0, and a group over all three.
    const dm = await tabs.u5.peer.request('create_dm', { user_id: u0.user.id });
    const group = await tabs.u1.peer.request('create_group', { user_ids: [u2.user.id, u3.user.id, u4.user.id] });
    if (dm.type !== 'conversation_created' || group.type !== 'conversation_created') throw new Error(`${dm.type} ${group.type}`);
    const dmId = dm.payload.conversation.id;
    const groupId = group.payload.conversation.id;
    const membership = new Map<number, number[]>([
      [dmId, [u0.user.id, u5.user.id]],
      [groupId, [u1.user.id, u2.user.id, u3.user.id, u4.user.id]],
    ]);
    for (const tab of Object.values(tabs)) tab.conversations = [lobbyId, ...[...membership].filter(([, ids]) => ids.includes(tab.user.id)).map(([id]) => id)];
    // Everyone has heard of both conversations before anyone writes in them.
    for (const tab of Object.values(tabs)) for (const [id, ids] of membership) if (ids.includes(tab.user.id)) await tab.peer.next('conversation_created', (e) => e.payload.conversation.id === id);

    const talking = Object.values(tabs);
    let timers = talking.map((tab) => setInterval(() => tab.send(), 40));
    await settle(1_500);
    // The lost process's clients send once more in the tick it is killed: those may or may not be stored.
    tabs.u2.send();
    tabs.u5.send();
    // What the watchers heard of the lost users before the kill depends on when the previous test's connections
    // were let go; from the kill on, it is exactly one user_offline, then one user_online.
    const watchers = [tabs.u3.peer, tabs.u1.peer];
    const heardBeforeKill = watchers.map((watcher) => watcher.events.length);
    const killedAt = Date.now();
    p2.proc.child.kill('SIGKILL');
    expect((await p2.proc.exited).signal).toBe('SIGKILL');
    await Promise.all([tabs.u2.peer.closed, tabs.u5.peer.closed]);
    for (const timer of timers.splice(0)) clearInterval(timer);
    const survivors = talking.filter((tab) => tab !== tabs.u2 && tab !== tabs.u5);
    timers = survivors.map((tab) => setInterval(() => tab.send(), 40));

    // The survivors' processes take the lost one's users offline within two heartbeats, with nobody telling them.
    const sinceKill = (i: number, e: ServerEvent) => watchers[i]!.events.indexOf(e) >= heardBeforeKill[i]!;
    for (const [i, watcher] of watchers.entries()) {
      for (const lost of [u2, u5]) {
        await watcher.waitFor((e) => e.type === 'user_offline' && e.payload.user_id === lost.user.id && sinceKill(i, e), 2 * HEARTBEAT_MS + 2_000);
      }
    }
    const offlineAfter = Date.now() - killedAt;
    console.log(`the lost process's users were offline everywhere ${offlineAfter} ms after the kill`);
    expect(offlineAfter).toBeLessThan(2 * HEARTBEAT_MS + 1_500);

    // They reconnect to the others, catch up from what they last heard, and send again what was not acknowledged.
    for (const [tab, member] of [
      [tabs.u2, p0],
      [tabs.u5, p1],
    ] as const) {
      const after = tab.highest();
      await tab.connect(member);
      tab.caughtUp.push(...(await catchUp(tab.peer, after)).changes);
      const answered = tab.replies();
      for (const [clientId, send] of tab.sends) if (!answered.has(clientId)) tab.peer.send('send_message', send, clientId);
    }
    for (const [i, watcher] of watchers.entries()) {
      const wentOffline = (userId: number) => watcher.events.findIndex((o) => o.type === 'user_offline' && o.payload.user_id === userId && sinceKill(i, o));
      for (const back of [u2, u5]) await watcher.waitFor((e) => e.type === 'user_online' && e.payload.user.id === back.user.id && watcher.events.indexOf(e) > wentOffline(back.user.id));
    }
    timers.push(...[tabs.u2, tabs.u5].map((tab) => setInterval(() => tab.send(), 40)));
    await settle(800);
    for (const timer of timers) clearInterval(timer);
    await Promise.all(talking.map((tab) => tab.allAnswered()));
    await settle(700);

    const rows = await stored();
    expectAckedStoredOnce(talking, rows);
    for (const tab of talking) {
      // Every send was answered, none refused: each is stored, once.
      expect([...tab.replies().values()].every((r) => r.type === 'message'), tab.name).toBe(true);
      expect(tab.acked()).toHaveLength(tab.sends.size);
      expectEachMessageOnce(tab, rows, (id) => id === lobbyId || membership.get(id)!.includes(tab.user.id));
    }
    for (const [i, watcher] of watchers.entries()) {
      for (const lost of [u2, u5]) {
        const news = watcher.events.slice(heardBeforeKill[i]).filter((e) => (e.type === 'user_offline' && e.payload.user_id === lost.user.id) || (e.type === 'user_online' && e.payload.user.id === lost.user.id));
        expect(news.map((e) => e.type)).toEqual(['user_offline', 'user_online']);
      }
    }
    console.log(`killed mid-traffic: ${rows.length} messages stored, ${talking.reduce((n, tab) => n + tab.acked().length, 0)} acknowledged`);
    await Promise.all(talking.map((tab) => tab.peer.close()));
  }, 60_000);
});
