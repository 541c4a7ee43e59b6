import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@hearth/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { catchUp, eventually, messagesIn, newestSeq, Peer } from '../support/harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { joinAll, killLeftovers, runServer, storedMessages } from './support/cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-crash-'));
let db: TestDatabase | undefined;
afterAll(async () => {
  killLeftovers();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A client that sends on a timer without waiting for acknowledgements, as a busy chat does. */
interface Sender {
  name: string;
  token: string;
  userId: number;
  peer: Peer;
  conversations: number[];
  sent: number;
}

const acked = (s: Sender): Message[] => s.peer.seen('message').filter((e) => e.id !== undefined).map((e) => e.payload);

describe('a crash in the middle of a conversation', () => {
  it('loses no acknowledged message, duplicates none, and lets clients catch up and retry after a restart', async () => {
    db = await createTestDatabase(dir);
    const first = await runServer(db);
    const [alice, bob, carol] = await joinAll(first, ['alice', 'bob', 'carol']);
    const setup = await Peer.signIn(first.wsUrl, alice!.token);
    const lobbyId = setup.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const dm = await setup.request('create_dm', { user_id: bob!.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const dmId = dm.payload.conversation.id;
    await setup.close();

    const people: Array<[string, typeof alice, number[]]> = [
      ['alice-tab1', alice, [lobbyId, dmId]],
      ['alice-tab2', alice, [lobbyId]],
      ['bob', bob, [dmId, lobbyId]],
      ['carol', carol, [lobbyId]],
    ];
    const senders: Sender[] = [];
    for (const [name, member, conversations] of people) {
      const peer = await Peer.signIn(first.wsUrl, member!.token);
      senders.push({ name, token: member!.token, userId: member!.user.id, peer, conversations, sent: 0 });
    }
    const send = (s: Sender) => {
      const n = s.sent++;
      const conversation_id = s.conversations[n % s.conversations.length]!;
      s.peer.send('send_message', { conversation_id, content: `${s.name} #${n}`, client_id: `${s.name}-${n}` }, `${s.name}-${n}`);
    };
    // 25 a second each: inside the default burst, so every send is taken.
    const timers = senders.map((s) => setInterval(() => send(s), 40));
    await eventually(async () => (senders.reduce((n, s) => n + acked(s).length, 0) > 100 ? true : undefined), 'a hundred sends acknowledged');
    for (const t of timers) clearInterval(t);
    // One more from each, and the kill in the same tick: these may or may not have reached the database.
    for (const s of senders) send(s);
    first.proc.child.kill('SIGKILL');
    expect((await first.proc.exited).signal).toBe('SIGKILL');
    await Promise.all(senders.map((s) => s.peer.closed));

    const ackedBefore = senders.flatMap(acked);
    expect(ackedBefore.length).toBeGreaterThan(80);
    console.log(`acknowledged before SIGKILL: ${ackedBefore.length} of ${senders.reduce((n, s) => n + s.sent, 0)} sent`);

    const second = await runServer(db);
    const stored = await storedMessages(db);
    for (const message of ackedBefore) {
      const copies = stored.filter((m) => m.user_id === message.user_id && m.client_id === message.client_id);
      expect(copies).toEqual([{ id: message.id, conversation_id: message.conversation_id, user_id: message.user_id, client_id: message.client_id, content: message.content }]);
    }

    const reconnected = new Map<Sender, Peer>();
    for (const s of senders) {
      const peer = await Peer.signIn(second.wsUrl, s.token);
      reconnected.set(s, peer);
      const caught = messagesIn((await catchUp(peer, newestSeq(s.peer, s.peer.seen('auth_ok')[0]!.payload.cursor), 50)).changes);
      const visible = new Set(peer.seen('auth_ok')[0]!.payload.conversations.map((c) => c.id));
      const everything = stored.filter((m) => visible.has(m.conversation_id)).map((m) => m.id);
      const seenBefore = s.peer.seen('message').map((e) => e.payload.id);
      expect(new Set([...seenBefore, ...caught.map((m) => m.id)])).toEqual(new Set(everything));
      expect(caught.map((m) => m.id)).toEqual([...new Set(caught.map((m) => m.id))]);
    }

    let retried = 0;
    for (const [s, peer] of reconnected) {
      // The client's outbox: everything it sent without seeing the acknowledgement. The last send raced the kill,
      // so the server may or may not have answered it in time.
      const ackedIds = new Set(acked(s).map((m) => m.client_id));
      const unacked = Array.from({ length: s.sent }, (_, n) => n).filter((n) => !ackedIds.has(`${s.name}-${n}`));
      retried += unacked.length;
      for (const n of unacked) {
        const retry = await peer.request('send_message', {
          conversation_id: s.conversations[n % s.conversations.length],
          content: `${s.name} #${n}`,
          client_id: `${s.name}-${n}`,
        });
        expect(retry.type).toBe('message');
      }
      await peer.close();
    }
    expect(retried).toBeGreaterThan(0);

    const afterRetries = await storedMessages(db);
    for (const s of senders) {
      const own = afterRetries.filter((m) => m.user_id === s.userId && m.client_id.startsWith(`${s.name}-`));
      expect(own.map((m) => m.client_id).sort()).toEqual(Array.from({ length: s.sent }, (_, n) => `${s.name}-${n}`).sort());
    }
    second.proc.child.kill('SIGTERM');
    expect((await second.proc.exited).code).toBe(0);
  });
});
