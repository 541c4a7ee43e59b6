import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '@hearth/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { Peer, settle } from '../support/harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { joinAll, killLeftovers, runServer, storedMessages } from './support/cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-sigterm-'));
let db: TestDatabase | undefined;
afterAll(async () => {
  killLeftovers();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGTERM while people are talking', () => {
  it('exits with code 0, says going away to every client, and keeps every acknowledged message', async () => {
    db = await createTestDatabase(dir);
    const server = await runServer(db);
    const members = await joinAll(server, ['alice', 'bob', 'carol']);
    const peers = await Promise.all(members.map((m) => Peer.signIn(server.wsUrl, m.token)));
    const lobbyId = peers[0]!.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    let sent = 0;
    const timers = peers.map((peer, i) =>
      setInterval(() => {
        const n = sent++;
        peer.send('send_message', { conversation_id: lobbyId, content: `talk ${n}`, client_id: `c${i}-${n}` }, `c${i}-${n}`);
      }, 40),
    );
    await settle(600);
    server.proc.child.kill('SIGTERM');
    const closes = await Promise.all(peers.map((p) => p.closed));
    for (const t of timers) clearInterval(t);
    expect(await server.proc.exited).toEqual({ code: 0, signal: null });
    expect(closes).toEqual(peers.map(() => CloseCode.GoingAway));

    const acked = peers.flatMap((p) => p.seen('message').filter((e) => e.id !== undefined).map((e) => e.payload));
    expect(acked.length).toBeGreaterThan(20);
    const stored = await storedMessages(db);
    for (const message of acked) {
      expect(stored.filter((m) => m.id === message.id)).toEqual([
        { id: message.id, conversation_id: message.conversation_id, user_id: message.user_id, client_id: message.client_id, content: message.content },
      ]);
    }
    expect(server.proc.output()).toContain('SIGTERM: shutting down');
  });
});
