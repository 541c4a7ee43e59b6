import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { eventually, Peer, settle } from '../support/harness.js';
import { Device, PushService } from '../support/push-service.js';
import { joinAll, removeCluster, startMember, testBusUrl, type Joined, type Member } from './support.js';

// Three processes on one database: the work that follows a message (the search index, Web Push) is run by one of
// them, and taken over by another when that one is killed, with nothing indexed twice or missed and no push twice.

const LEASE_MS = 1_500;
const dir = mkdtempSync(join(tmpdir(), 'hearth-consumers-'));
const busUrl = testBusUrl();
const service = new PushService();
let db: TestDatabase;
let members: Member[] = [];
let ann: Joined, ben: Joined;
let dmId: number;

/** The process id each member logged on joining the bus, as the consumers table names its holder. */
const busId = (member: Member) => member.proc.output().match(/"process":"([0-9a-f]+)"[^\n]*"msg":"joined the bus"/)?.[1];
const holders = async () => Object.fromEntries((await db.all<{ name: string; holder: string | null }>('SELECT name, holder FROM consumers ORDER BY name')).map((r) => [r.name, r.holder]));
const running = (member: Member, consumer: string) =>
  member.proc.output().split('\n').filter((line) => line.includes('"msg":"this process runs the consumer now"') && line.includes(`"consumer":"${consumer}"`)).length;

beforeAll(async () => {
  await service.start();
  db = await createPostgresDatabase(dir);
  const extra = ['--consumer-lease-ms', String(LEASE_MS), '--consumer-poll-ms', '100', '--outbound-allow-hosts', '127.0.0.1', '--outbound-ports', `443,${service.port}`];
  const first = await startMember(db, busUrl, extra);
  members = [first, ...(await Promise.all([startMember(db, busUrl, extra), startMember(db, busUrl, extra)]))];
  const { users } = await joinAll(first, ['ann', 'ben']);
  [ann, ben] = [users[0]!, users[1]!];
  const peer = await Peer.signIn(members[1]!.wsUrl, ann.token);
  const dm = await peer.request('create_dm', { user_id: ben.user.id });
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  dmId = dm.payload.conversation.id;
  await peer.close();
}, 60_000);

afterAll(async () => {
  for (const member of members) if (member.proc.child.exitCode === null && member.proc.child.signalCode === null) member.proc.child.kill('SIGTERM');
  await Promise.all(members.map((member) => Promise.race([member.proc.exited, settle(5_000)])));
  await service.stop();
  await removeCluster(db, busUrl, dir);
});

/** Every message the search finds for `word`, asked of `member` until the index has read everything. */
async function searchAll(member: Member, token: string, word: string): Promise<number[]> {
  const peer = await Peer.signIn(member.wsUrl, token);
  try {
    const found: number[] = [];
    for (let before: number | undefined; ; ) {
      const reply = await peer.request('search', { query: word, limit: 50, ...(before === undefined ? {} : { before }) });
      if (reply.type !== 'search_results') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
      found.push(...reply.payload.messages.map((m) => m.id));
      if (!reply.payload.has_more) return found.sort((a, b) => a - b);
      before = reply.payload.messages.at(-1)!.id;
    }
  } finally {
    await peer.close();
  }
}

describe('consumers of the change log on a cluster', () => {
  it('runs each consumer in one process, and after that process is killed another takes over with nothing missed and no push twice', async () => {
    const phone = new Device(`http://127.0.0.1:${service.port}/push/ben`, '/push/ben');
    const subscriber = await Peer.signIn(members[2]!.wsUrl, ben.token);
    expect((await subscriber.request('subscribe_push', { endpoint: phone.endpoint, keys: phone.keys })).type).toBe('push_updated');
    await subscriber.close();

    const ids = members.map(busId);
    const first = await eventually(async () => {
      const held = await holders();
      return held.search !== null && held.push !== null && held.search !== undefined ? held : undefined;
    }, 'both consumers held');
    // Each consumer is run by one process only: one took its lease and no other ever did.
    for (const consumer of ['search', 'push']) {
      expect(members.map((member) => running(member, consumer))).toEqual(members.map((member) => (busId(member) === first[consumer] ? 1 : 0)));
    }
    const victim = members.find((member) => busId(member) === first.search)!;
    const others = members.filter((member) => member !== victim);

    // Ann sends from a process that is not the victim, steadily; the victim is killed part of the way through.
    const sender = await Peer.signIn(others[0]!.wsUrl, ann.token);
    const sent: Message[] = [];
    const send = async (n: number) => {
      const reply = await sender.request('send_message', { conversation_id: dmId, content: `kestrel ${n}`, client_id: `k${n}` });
      if (reply.type !== 'message') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
      sent.push(reply.payload);
    };
    for (let n = 0; n < 60; n++) await send(n);
    victim.proc.child.kill('SIGKILL');
    for (let n = 60; n < 120; n++) await send(n);
    await sender.close();

    // A survivor takes each consumer over once the lease has run out, and the index finds every message.
    const after = await eventually(async () => {
      const held = await holders();
      return held.search !== first.search && held.push !== first.push ? held : undefined;
    }, 'consumers taken over');
    expect(others.map(busId)).toContain(after.search);
    expect(others.map(busId)).toContain(after.push);
    const all = sent.map((m) => m.id).sort((a, b) => a - b);
    // Ann searches: Ben signed in would be told live rather than pushed, and the push consumer may still be going
    // through the messages sent while it had no process.
    await eventually(async () => ((await searchAll(others[1]!, ann.token, 'kestrel')).length === all.length ? true : undefined), 'every message indexed', 30_000);
    expect(await searchAll(others[1]!, ann.token, 'kestrel')).toEqual(all);

    // Ben's phone hears of a message at most once; what was sent after the takeover is heard.
    const last = sent.at(-1)!;
    const pushedIds = async () => service.to('/push/ben').map((r) => phone.read(r.body).message_id);
    await eventually(async () => ((await pushedIds()).includes(last.id) ? true : undefined), 'the last message pushed', 30_000);
    const pushed = await pushedIds();
    expect(new Set(pushed).size).toBe(pushed.length);
    expect(pushed.every((id) => all.includes(id))).toBe(true);
  }, 90_000);
});
