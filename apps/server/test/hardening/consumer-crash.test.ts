import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, Peer } from '../support/harness.js';
import { joinAll, killLeftovers, runServer, storedMessages, type Running } from './support/cluster.js';

/** One connection sends the whole burst at once, and searches until the index has caught up. */
const UNLIMITED = ['--requests-per-second', '100000', '--request-burst', '100000', '--searches-per-second-per-user', '100000', '--search-burst-per-user', '100000'];
/** Many different words per message: the index has far more to do for each than storing it has. */
const LONG = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}x`).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'hearth-consumer-crash-'));
let db: TestDatabase | undefined;
afterAll(async () => {
  killLeftovers();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every id the search finds for `word`, page after page. */
async function searchAll(server: Running, token: string, word: string): Promise<{ ids: number[]; behind: boolean }> {
  const peer = await Peer.signIn(server.wsUrl, token);
  try {
    const ids: number[] = [];
    let behind = false;
    for (let before: number | undefined; ; ) {
      const reply = await peer.request('search', { query: word, limit: 50, ...(before === undefined ? {} : { before }) });
      if (reply.type !== 'search_results') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
      ids.push(...reply.payload.messages.map((m) => m.id));
      behind ||= reply.payload.index_behind !== undefined;
      if (!reply.payload.has_more) return { ids: ids.sort((a, b) => a - b), behind };
      before = reply.payload.messages.at(-1)!.id;
    }
  } finally {
    await peer.close();
  }
}

describe('the search index after a crash', () => {
  it('resumes from its cursor once the server is back, finding every stored message once', async () => {
    db = await createTestDatabase(dir);
    let server = await runServer(db, UNLIMITED);
    const [alice] = await joinAll(server, ['alice']);
    let sent = 0;
    // The kill lands part of the way through a burst, while messages are being stored and the index reads them
    // after; tried again until one lands while the index is behind the log (nearly always the first).
    for (let attempt = 1; ; attempt++) {
      const peer = await Peer.signIn(server.wsUrl, alice!.token);
      const lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
      let acked = 0;
      const halfway = new Promise<void>((resolve) => {
        for (let n = 0; n < 600; n++, sent++) {
          void peer
            .request('send_message', { conversation_id: lobbyId, content: `heron ${sent} ${LONG}`, client_id: `h${sent}` })
            .then(() => ++acked === 300 && resolve(), () => undefined);
        }
      });
      await halfway;
      server.proc.child.kill('SIGKILL');
      expect((await server.proc.exited).signal).toBe('SIGKILL');
      const [{ cursor, head }] = (await db.all<{ cursor: number; head: number }>(
        "SELECT (SELECT seq FROM consumers WHERE name = 'search') AS cursor, (SELECT max(seq) FROM changes) AS head",
      )) as [{ cursor: number; head: number }];
      server = await runServer(db, UNLIMITED);
      if (Number(cursor) < Number(head)) break;
      expect(attempt, 'a kill while the index was behind').toBeLessThan(5);
    }

    const stored = (await storedMessages(db)).filter((m) => m.content.startsWith('heron')).map((m) => m.id);
    expect(stored.length).toBeGreaterThanOrEqual(300);
    const caughtUp = await eventually(async () => {
      const found = await searchAll(server, alice!.token, 'heron');
      return found.behind ? undefined : found;
    }, 'the index caught up');
    expect(caughtUp.ids).toEqual(stored);
    server.proc.child.kill('SIGTERM');
    expect((await server.proc.exited).code).toBe(0);
  });
});
